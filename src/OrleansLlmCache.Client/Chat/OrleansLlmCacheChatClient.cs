using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// An <see cref="IChatClient"/> middleware that answers repeated requests from the cluster cache. Misses, streaming or
/// not, are single-flight across the cluster: a streaming miss streams from the origin to the caller holding the lease
/// and is stored once complete, while concurrent callers get it replayed; a streaming hit replays the stored answer as updates (joined up, or in the origin's chunking with
/// <see cref="OrleansLlmCacheChatClientOptions.CoalesceStreamingUpdates"/> off). A miss returns the origin's own
/// response (with its <c>RawRepresentation</c>); a hit is a copy read back from JSON. Errors, cancelled or partial
/// streams, content-filtered answers and answers the cache cannot hold (content that
/// <see cref="OrleansLlmCacheChatClientOptions.JsonSerializerOptions"/> cannot write, more than an entry's limit) are
/// never cached; requests marked with <see cref="ChatCacheOptionsExtensions.WithoutLlmCache"/> skip the cache.
/// </summary>
public sealed class OrleansLlmCacheChatClient : DelegatingChatClient
{
    /// <summary>The <see cref="CachedResponse.ContentType"/> of a stored chat response (JSON of <see cref="ChatResponse"/>).</summary>
    public const string ChatResponseContentType = "application/vnd.orleansllmcache.chat-response.v1+json";

    /// <summary>
    /// The <see cref="CachedResponse.ContentType"/> of a stream stored as it came (JSON of a list of
    /// <see cref="ChatResponseUpdate"/>), with <see cref="OrleansLlmCacheChatClientOptions.CoalesceStreamingUpdates"/> off.
    /// </summary>
    public const string ChatUpdatesContentType = "application/vnd.orleansllmcache.chat-updates.v1+json";

    /// <summary>
    /// The <see cref="CachedResponse.ContentType"/> of an OpenAI <c>chat.completion</c> body as the HTTP gateway received
    /// it from its upstream. The middleware reads it as a <see cref="ChatResponse"/>, so both share one entry.
    /// </summary>
    public const string OpenAiChatCompletionContentType = "application/vnd.orleansllmcache.openai-chat-completion.v1+json";

    /// <summary>
    /// The <see cref="CachedResponse.ContentType"/> of an OpenAI stream as the HTTP gateway received it: a JSON array of
    /// its <c>chat.completion.chunk</c> objects, each as it came.
    /// </summary>
    public const string OpenAiChatChunksContentType = "application/vnd.orleansllmcache.openai-chat-chunks.v1+json";

    /// <summary>
    /// The additional property of a returned <see cref="ChatResponse"/> that says where it came from: a
    /// <see cref="LlmCacheSource"/> name (<c>Hit</c>, <c>Coalesced</c>, <c>Origin</c>, <c>OriginCacheUnavailable</c>).
    /// </summary>
    public const string SourceProperty = "llmcache.source";

    /// <summary>With a semantic hit: the cosine similarity (a <see cref="double"/>) of the request's prompt to the cached prompt that answered.</summary>
    public const string SemanticScoreProperty = "llmcache.semantic.score";

    /// <summary>With a semantic hit: the cached prompt whose answer was served.</summary>
    public const string SemanticPromptProperty = "llmcache.semantic.prompt";

    /// <summary>With a semantic hit: the key of the entry that was served (<c>{tenant}/{namespace}/{id}</c>).</summary>
    public const string SemanticKeyProperty = "llmcache.semantic.key";

    /// <summary>
    /// With a semantic hit: its id, to report whether the answer was right with
    /// <see cref="ILlmCache.ReportSemanticFeedbackAsync"/>.
    /// </summary>
    public const string SemanticHitIdProperty = "llmcache.semantic.hit_id";

    private readonly ILlmCache _cache;
    private readonly OrleansLlmCacheChatClientOptions _options;
    private readonly JsonSerializerOptions _json;
    private readonly ILogger _logger;

    /// <summary>Wraps <paramref name="innerClient"/> with the cache.</summary>
    /// <exception cref="ArgumentException"><see cref="OrleansLlmCacheChatClientOptions.JsonSerializerOptions"/> has no type resolver.</exception>
    public OrleansLlmCacheChatClient(IChatClient innerClient, ILlmCache cache, OrleansLlmCacheChatClientOptions? options = null, ILogger? logger = null)
        : base(innerClient)
    {
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _options = options ?? new OrleansLlmCacheChatClientOptions();
        _json = _options.JsonSerializerOptions;
        if (_json.TypeInfoResolver is null)
        {
            throw new ArgumentException(
                "OrleansLlmCacheChatClientOptions.JsonSerializerOptions has no TypeInfoResolver; start from new JsonSerializerOptions(AIJsonUtilities.DefaultOptions).",
                nameof(options));
        }

        // Read-only options cache their type contracts: every request reuses them.
        _json.MakeReadOnly();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        var request = TakeRequestOptions(ref options);
        if (KeyFor(list, options, request) is not { } key)
        {
            return await base.GetResponseAsync(list, options, cancellationToken);
        }

        var caller = Activity.Current;

        // The origin's own answer, when this call is the one that asked it: returned as it is, so that what the
        // provider hung on it (RawRepresentation, object-typed properties) survives; only what is stored is JSON.
        ChatResponse? fromOrigin = null;
        try
        {
            async ValueTask<CachedResponse> Factory(CancellationToken ct)
            {
                var response = await base.GetResponseAsync(list, options, ct);
                fromOrigin = response;
                if (response.FinishReason == ChatFinishReason.ContentFilter)
                {
                    Log.NotCached(_logger, key.ToGrainKey(), "the origin filtered the content");
                    throw Uncacheable("the origin filtered the content", response, options);
                }

                if (!StoredChatResponse.TryWrite(response, options, _json, out var stored, out var problem))
                {
                    Log.ResponseNotStored(_logger, key.ToGrainKey(), problem);
                    throw Uncacheable(problem, response, options);
                }

                return stored;
            }

            var entryOptions = EntryOptionsFor(list, options, request);
            var result = SemanticPromptFor(list, options, key) is { } semantic
                ? await _cache.GetOrCreateAsync(semantic, Factory, entryOptions, cancellationToken)
                : await _cache.GetOrCreateAsync(key, Factory, entryOptions, cancellationToken);
            var answer = fromOrigin;
            if (answer is null && !StoredChatResponse.TryReadResponse(result.Response, _json, out answer, out var problem))
            {
                // Written by an app server whose serializer knows types this one does not: ask the origin, and leave
                // the entry to the servers that can read it.
                Log.StoredResponseUnreadable(_logger, key.ToGrainKey(), problem);
                return await base.GetResponseAsync(list, options, cancellationToken);
            }

            TagCaller(caller, result);
            var properties = answer.AdditionalProperties ??= [];
            properties[SourceProperty] = result.Source.ToString();
            if (result.Semantic is { } match)
            {
                properties[SemanticScoreProperty] = (double)match.Score;
                properties[SemanticPromptProperty] = match.MatchedPrompt;
                properties[SemanticKeyProperty] = match.EntryKey.ToGrainKey();
                if (match.HitId is { } hitId)
                {
                    properties[SemanticHitIdProperty] = hitId;
                }
            }

            return answer;
        }
        catch (UncacheableResponseException)
        {
            return fromOrigin!;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Single-flight like a non-streaming request: the caller that gets the key's lease streams the origin's updates
    /// live while they are collected for the cache; concurrent callers of the same key wait and get the stored answer
    /// replayed once it is complete (their first update says <c>llmcache.source = Coalesced</c>). Hits, semantic hits
    /// and stale answers are replayed the same way; a failing origin is answered stale only while nothing of its stream
    /// has been passed on.
    /// </remarks>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        var request = TakeRequestOptions(ref options);
        if (KeyFor(list, options, request) is not { } key)
        {
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        var caller = Activity.Current;

        // The origin's stream, when this caller's factory is the one that asks it, reaches this caller through the
        // channel as it comes; abandoning the enumeration cancels the origin call (and stores nothing).
        using var abandoned = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var origin = new OriginStream(ct => base.GetStreamingResponseAsync(list, options, ct), updates => StoredOrRefused(updates, options, key));
        var call = GetOrCreateAsync(list, options, request, key, origin.CallAsync, abandoned.Token);
        var finished = false;
        try
        {
            await foreach (var update in origin.ReadLiveAsync(call, abandoned.Token))
            {
                yield return update;
            }

            finished = true;
        }
        finally
        {
            if (!finished)
            {
                await abandoned.CancelAsync();
                _ = call.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }

        LlmCacheResult? result = null;
        try
        {
            result = await call;
        }
        catch (UncacheableResponseException)
        {
            // The origin's stream was passed on whole; it is not stored (content-filtered, or not storable).
        }

        if (result is not null)
        {
            TagCaller(caller, result);
        }

        if (result is null || (origin.Streamed && result.Source != LlmCacheSource.Stale))
        {
            yield break;
        }

        if (origin.Streamed)
        {
            // Part of the origin's stream was passed on before it failed: a stale answer cannot be spliced onto it.
            throw origin.Failure!;
        }

        if (!StoredChatResponse.TryReadUpdates(result.Response, _json, _options.CoalesceStreamingUpdates, out var replay, out var problem))
        {
            // Written by an app server whose serializer knows types this one does not: the origin answers, and its
            // answer replaces the entry.
            Log.StoredResponseUnreadable(_logger, key.ToGrainKey(), problem);
            await foreach (var update in StreamAndStoreAsync(list, options, request, key, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        var first = true;
        foreach (var update in replay)
        {
            if (first)
            {
                (update.AdditionalProperties ??= [])[SourceProperty] = result.Source.ToString();
                first = false;
            }

            yield return update;
        }
    }

    // The caller's span (Microsoft.Extensions.AI's UseOpenTelemetry() chat span when it wraps this client, or the
    // request's) says whether the cache answered, so a trace shows it without opening the cache's own span.
    private static void TagCaller(Activity? caller, LlmCacheResult result)
    {
        if (caller is { IsAllDataRequested: true })
        {
            ResultTags.Tag(caller, result);
        }
    }

    private Task<LlmCacheResult> GetOrCreateAsync(
        IReadOnlyCollection<ChatMessage> list,
        ChatOptions? options,
        LlmCacheRequestOptions? request,
        CacheKey key,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        CancellationToken cancellationToken)
    {
        // The streaming factory passes the origin's updates to this caller as they come: it must not run without it.
        var entryOptions = EntryOptionsFor(list, options, request, callerBound: true);
        return SemanticPromptFor(list, options, key) is { } semantic
            ? _cache.GetOrCreateAsync(semantic, factory, entryOptions, cancellationToken).AsTask()
            : _cache.GetOrCreateAsync(key, factory, entryOptions, cancellationToken).AsTask();
    }

    // The origin's stream passed on as it comes and stored once complete (never a partial one), outside single-flight.
    private async IAsyncEnumerable<ChatResponseUpdate> StreamAndStoreAsync(
        IReadOnlyCollection<ChatMessage> list,
        ChatOptions? options,
        LlmCacheRequestOptions? request,
        CacheKey key,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken))
        {
            updates.Add(update);
            yield return update;
        }

        if (request is not { ReadOnly: true } && ToStored(updates, options, key) is { } stored)
        {
            try
            {
                await _cache.SetAsync(key, stored, EntryOptionsFor(list, options, request), cancellationToken);
            }
            catch (LlmCacheUnavailableException ex)
            {
                Log.CacheUnavailable(_logger, "store", key.ToGrainKey(), ex.Message, ex);
            }
        }
    }

    private CachedResponse StoredOrRefused(List<ChatResponseUpdate> updates, ChatOptions? options, CacheKey key) =>
        ToStored(updates, options, key) ?? throw Uncacheable("the stream is not stored", updates.ToChatResponse(), options);

    // The entry of a completed stream, or null (and why, in the log) when it must not or cannot be stored: every update
    // has been yielded by then, so nothing here may throw.
    private CachedResponse? ToStored(List<ChatResponseUpdate> updates, ChatOptions? options, CacheKey key)
    {
        if (updates.Any(u => u.FinishReason == ChatFinishReason.ContentFilter))
        {
            Log.NotCached(_logger, key.ToGrainKey(), "the origin filtered the content");
            return null;
        }

        var written = _options.CoalesceStreamingUpdates
            ? StoredChatResponse.TryWrite(updates.ToChatResponse(), options, _json, out var stored, out var problem)
            : StoredChatResponse.TryWrite(updates, options, _json, out stored, out problem);
        if (!written)
        {
            Log.ResponseNotStored(_logger, key.ToGrainKey(), problem!);
            return null;
        }

        return stored;
    }

    // The request's cache settings leave its options here: they are the cache's, not the origin's, and the origin (or
    // a middleware after this one) might try to send or serialize them. The caller's options object is left as it was.
    private static LlmCacheRequestOptions? TakeRequestOptions(ref ChatOptions? options)
    {
        if (options.GetLlmCacheOptions() is not { } request)
        {
            return null;
        }

        options = options!.Clone();
        options.AdditionalProperties!.Remove(ChatCacheKey.RequestOptionsProperty);
        return request;
    }

    private CacheKey? KeyFor(IEnumerable<ChatMessage> messages, ChatOptions? options, LlmCacheRequestOptions? request)
    {
        var defaultModel = InnerClient.GetService<ChatClientMetadata>()?.DefaultModelId;
        string? hash;
        string? reason;
        try
        {
            hash = ChatCacheKey.TryCompute(messages, options, defaultModel, out reason);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            // Content or an option the key's JSON form has no contract for (a custom AIContent): the request still
            // reaches the origin, uncached, instead of failing.
            hash = null;
            reason = $"the request holds something its key cannot be computed from ({ex.Message})";
        }

        if (hash is null)
        {
            Log.NotCached(_logger, "(chat request)", reason!);
            return null;
        }

        return _cache.CreateKey(hash, _options.Tenant, request?.Namespace ?? _options.Namespace);
    }

    private SemanticPrompt? SemanticPromptFor(IReadOnlyCollection<ChatMessage> messages, ChatOptions? options, CacheKey key)
    {
        var defaultModel = InnerClient.GetService<ChatClientMetadata>()?.DefaultModelId;
        var context = ChatCacheKey.TryCanonicalizeScope(messages, options, defaultModel, out var prompt);
        return context is null ? null : new SemanticPrompt(key, SemanticScope.Create(key.Tenant, key.Namespace, "chat", context), prompt!);
    }

    // The per-request semantic switch and the request's cache settings ride on the request; everything else comes
    // from the middleware's entry options. The request itself is written down on a miss only, and only where
    // LlmCacheOptions.RecordMissedRequestsForWarming is on, so that warming can send it again.
    private LlmCacheEntryOptions EntryOptionsFor(
        IReadOnlyCollection<ChatMessage> messages, ChatOptions? options, LlmCacheRequestOptions? request, bool callerBound = false)
    {
        var entry = _options.EntryOptions;
        var semantic = options?.AdditionalProperties?.TryGetValue(ChatCacheKey.SemanticProperty, out var value) == true && value is bool enabled
            ? enabled
            : entry?.Semantic;
        return new LlmCacheEntryOptions
        {
            TimeToLive = request?.TimeToLive ?? entry?.TimeToLive,
            NoExpiry = request?.TimeToLive is null && (entry?.NoExpiry ?? false),
            Tags = Joined(entry?.Tags, request?.Tags),
            Dependencies = Joined(entry?.Dependencies, request?.Dependencies),
            FailSafeMaxDuration = request?.FailSafeMaxDuration ?? entry?.FailSafeMaxDuration,
            EagerRefreshThreshold = entry?.EagerRefreshThreshold,
            FactorySoftTimeout = entry?.FactorySoftTimeout,
            FactoryHardTimeout = entry?.FactoryHardTimeout,
            ForceRefresh = (request?.ForceRefresh ?? false) || (entry?.ForceRefresh ?? false),
            SkipL1Read = (request?.SkipL1Read ?? false) || (entry?.SkipL1Read ?? false),
            SkipL1Write = (request?.SkipL1Write ?? false) || (entry?.SkipL1Write ?? false),
            ReadOnly = (request?.ReadOnly ?? false) || (entry?.ReadOnly ?? false),
            CallerBoundFactory = callerBound,
            Semantic = semantic,
            // Warming replays a request through a pipeline with the namespace's policy only: an entry this middleware
            // stores with tags, dependencies or a lifetime of its own would come back without them (and then escape
            // its invalidations), so such requests are not recorded for warming.
            ReplayableRequest = IsReplayableWithPolicyOnly(entry) && request is not { ChangesWhatIsStored: true }
                ? () => ReplayableChatRequest.TryWrite(messages, options)
                : null,
        };
    }

    private static IReadOnlyList<string>? Joined(IReadOnlyList<string>? own, IReadOnlyList<string>? request) =>
        request is not { Count: > 0 } ? own
        : own is not { Count: > 0 } ? request
        : [.. own.Union(request, StringComparer.Ordinal)];

    private static bool IsReplayableWithPolicyOnly(LlmCacheEntryOptions? entry) =>
        entry is null
        || (entry.Tags is not { Count: > 0 } && entry.Dependencies is not { Count: > 0 } && entry.TimeToLive is null && !entry.NoExpiry
            && !entry.ForceRefresh && !entry.ReadOnly);

    // Thrown by the factory so that nothing is stored (the cache counts the origin call as a miss), and caught to return
    // the origin's answer as it is.
    private static UncacheableResponseException Uncacheable(string reason, ChatResponse response, ChatOptions? options)
    {
        var (model, input, output) = StoredChatResponse.Accounting(response, options);
        return new(reason, model, input, output);
    }
}
