using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Keys;
using OrleansLlmCache.Model;
using OrleansLlmCache.Semantic;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// An <see cref="IChatClient"/> middleware that answers repeated requests from the cluster cache. Non-streaming misses
/// are single-flight across the cluster; streaming misses stream from the origin and are stored once complete; a
/// streaming hit replays the stored response as updates. Errors, cancelled or partial streams and content-filtered
/// answers are never cached; requests marked with <see cref="ChatCacheOptionsExtensions.WithoutLlmCache"/> skip the cache.
/// </summary>
public sealed class OrleansLlmCacheChatClient : DelegatingChatClient
{
    /// <summary>The <see cref="CachedResponse.ContentType"/> of a stored chat response (JSON of <see cref="ChatResponse"/>).</summary>
    public const string ChatResponseContentType = "application/vnd.orleansllmcache.chat-response.v1+json";

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

    private static readonly JsonSerializerOptions Json = AIJsonUtilities.DefaultOptions;

    private readonly ILlmCache _cache;
    private readonly OrleansLlmCacheChatClientOptions _options;
    private readonly ILogger _logger;

    /// <summary>Wraps <paramref name="innerClient"/> with the cache.</summary>
    public OrleansLlmCacheChatClient(IChatClient innerClient, ILlmCache cache, OrleansLlmCacheChatClientOptions? options = null, ILogger? logger = null)
        : base(innerClient)
    {
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _options = options ?? new OrleansLlmCacheChatClientOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        if (KeyFor(list, options) is not { } key)
        {
            return await base.GetResponseAsync(list, options, cancellationToken);
        }

        try
        {
            async ValueTask<CachedResponse> Factory(CancellationToken ct)
            {
                var response = await base.GetResponseAsync(list, options, ct);

                // Thrown so that nothing is stored, and caught below to return the answer as it is.
                return response.FinishReason == ChatFinishReason.ContentFilter
                    ? throw new UncacheableResponseException(response)
                    : ToCached(response, options);
            }

            var entryOptions = EntryOptionsFor(list, options);
            var result = SemanticPromptFor(list, options, key) is { } semantic
                ? await _cache.GetOrCreateAsync(semantic, Factory, entryOptions, cancellationToken)
                : await _cache.GetOrCreateAsync(key, Factory, entryOptions, cancellationToken);
            var answer = FromCached(result.Response);
            var properties = answer.AdditionalProperties ??= [];
            properties[SourceProperty] = result.Source.ToString();
            if (result.Semantic is { } match)
            {
                properties[SemanticScoreProperty] = (double)match.Score;
                properties[SemanticPromptProperty] = match.MatchedPrompt;
                properties[SemanticKeyProperty] = match.EntryKey.ToGrainKey();
            }

            return answer;
        }
        catch (UncacheableResponseException uncacheable)
        {
            Log.NotCached(_logger, key.ToGrainKey(), "the origin filtered the content");
            return uncacheable.Response;
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        var key = KeyFor(list, options);
        if (key is { } hitKey && await _cache.GetAsync(hitKey, cancellationToken) is { } entry)
        {
            foreach (var update in FromCached(entry.Response).ToChatResponseUpdates())
            {
                yield return update;
            }

            yield break;
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken))
        {
            updates.Add(update);
            yield return update;
        }

        // Reached only when the stream completed: an error or an abandoned enumeration never stores a partial answer.
        if (key is { } storeKey)
        {
            var response = updates.ToChatResponse();
            if (response.FinishReason == ChatFinishReason.ContentFilter)
            {
                Log.NotCached(_logger, storeKey.ToGrainKey(), "the origin filtered the content");
                yield break;
            }

            try
            {
                await _cache.SetAsync(storeKey, ToCached(response, options), _options.EntryOptions, cancellationToken);
            }
            catch (LlmCacheUnavailableException ex)
            {
                Log.CacheUnavailable(_logger, "store", storeKey.ToGrainKey(), ex.Message, ex);
            }
        }
    }

    private CacheKey? KeyFor(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var defaultModel = InnerClient.GetService<ChatClientMetadata>()?.DefaultModelId;
        var hash = ChatCacheKey.TryCompute(messages, options, defaultModel, out var reason);
        if (hash is null)
        {
            Log.NotCached(_logger, "(chat request)", reason!);
            return null;
        }

        return _cache.CreateKey(hash, _options.Tenant, _options.Namespace);
    }

    private SemanticPrompt? SemanticPromptFor(IReadOnlyCollection<ChatMessage> messages, ChatOptions? options, CacheKey key)
    {
        var defaultModel = InnerClient.GetService<ChatClientMetadata>()?.DefaultModelId;
        var context = ChatCacheKey.TryCanonicalizeScope(messages, options, defaultModel, out var prompt);
        return context is null ? null : new SemanticPrompt(key, SemanticScope.Create(key.Tenant, key.Namespace, "chat", context), prompt!);
    }

    // The per-request semantic switch rides on the request; everything else comes from the middleware's entry options.
    // The request itself is written down on a miss only, and only where LlmCacheOptions.RecordMissedRequestsForWarming
    // is on, so that warming can send it again.
    private LlmCacheEntryOptions EntryOptionsFor(IReadOnlyCollection<ChatMessage> messages, ChatOptions? options)
    {
        var entry = _options.EntryOptions;
        var semantic = options?.AdditionalProperties?.TryGetValue(ChatCacheKey.SemanticProperty, out var value) == true && value is bool enabled
            ? enabled
            : entry?.Semantic;
        return new LlmCacheEntryOptions
        {
            TimeToLive = entry?.TimeToLive,
            NoExpiry = entry?.NoExpiry ?? false,
            Tags = entry?.Tags,
            Dependencies = entry?.Dependencies,
            Semantic = semantic,
            // Warming replays a request through a pipeline with the namespace's policy only: an entry this middleware
            // stores with tags, dependencies or a lifetime of its own would come back without them (and then escape
            // its invalidations), so such requests are not recorded for warming.
            ReplayableRequest = IsReplayableWithPolicyOnly(entry) ? () => ReplayableChatRequest.TryWrite(messages, options) : null,
        };
    }

    private static bool IsReplayableWithPolicyOnly(LlmCacheEntryOptions? entry) =>
        entry is null
        || (entry.Tags is not { Count: > 0 } && entry.Dependencies is not { Count: > 0 } && entry.TimeToLive is null && !entry.NoExpiry);

    private static CachedResponse ToCached(ChatResponse response, ChatOptions? options)
    {
        var usage = response.Usage;
        return new CachedResponse(
            JsonSerializer.Serialize(response, Json.GetTypeInfo(typeof(ChatResponse))),
            response.ModelId ?? options?.ModelId ?? "unknown",
            (int)Math.Clamp(usage?.InputTokenCount ?? 0, 0, int.MaxValue),
            (int)Math.Clamp(usage?.OutputTokenCount ?? 0, 0, int.MaxValue),
            ChatResponseContentType);
    }

    private static ChatResponse FromCached(CachedResponse cached) =>
        cached.ContentType == ChatResponseContentType
            ? (ChatResponse)JsonSerializer.Deserialize(cached.Content, Json.GetTypeInfo(typeof(ChatResponse)))!
            : new ChatResponse(new ChatMessage(ChatRole.Assistant, cached.Content)) { ModelId = cached.Model };

    private sealed class UncacheableResponseException(ChatResponse response) : Exception("The response must not be cached.")
    {
        public ChatResponse Response { get; } = response;
    }
}
