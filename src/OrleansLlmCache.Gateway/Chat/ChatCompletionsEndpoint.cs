using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Gateway.Authentication;
using OrleansLlmCache.Gateway.Diagnostics;
using OrleansLlmCache.Gateway.Http;
using OrleansLlmCache.Gateway.Options;
using OrleansLlmCache.Gateway.Upstreams;

namespace OrleansLlmCache.Gateway.Chat;

/// <summary>
/// <c>POST /v1/chat/completions</c>: answered from the cache when it can be, otherwise forwarded to the upstream as the
/// caller sent it and its answer stored (errors never). Non-streaming and streaming misses are both single-flight
/// through <see cref="ILlmCache.GetOrCreateAsync(CacheKey, Func{CancellationToken, ValueTask{CachedResponse}}, LlmCacheEntryOptions?, CancellationToken)"/>:
/// the caller that holds the lease streams the upstream's answer live, the others get it replayed once it is complete.
/// </summary>
internal sealed class ChatCompletionsEndpoint(
    ILlmCache cache,
    GatewayUpstreams upstreams,
    IOptions<LlmCacheGatewayOptions> options,
    TimeProvider time,
    ILogger<ChatCompletionsEndpoint> logger)
{
    private const string UpstreamPath = "chat/completions";

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var caller = GatewayCaller.From(context.User);
        var maxBytes = options.Value.MaxRequestBytes;
        if (await RequestBody.ReadOrRefuseAsync(context, maxBytes) is not { } body)
        {
            return;
        }

        OpenAiChatRequest? request;
        if (!RequestJson.TryParse(body, "a JSON object with 'model' and 'messages'", out var document, out var refusal))
        {
            await OpenAiErrors.BadRequestAsync(context, refusal);
            return;
        }

        using (document)
        {
            if (!OpenAiChatRequest.TryRead(document.RootElement, out request, out refusal))
            {
                await OpenAiErrors.BadRequestAsync(context, refusal);
                return;
            }
        }

        if (await upstreams.RouteOrRefuseAsync(context, request.Model) is not { } upstream)
        {
            return;
        }

        if (!CacheDirectives.TryRead(context.Request.Headers, out var directives, out var problem))
        {
            await OpenAiErrors.BadRequestAsync(context, problem, "invalid_cache_header");
            return;
        }

        if (!caller.TryResolveNamespace(directives.Namespace, out var @namespace, out var forbidden))
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, forbidden!, OpenAiErrors.Permission, "namespace_not_allowed");
            return;
        }

        var key = directives.NoStore ? null : KeyFor(request, caller.Tenant, @namespace, out problem);
        if (key is null)
        {
            if (problem is not null)
            {
                await OpenAiErrors.BadRequestAsync(context, problem, "invalid_cache_key");
                return;
            }

            context.Response.Headers[CacheResponse.StatusHeader] = "bypass";
            await upstream.ForwardAsync(context, HttpMethod.Post, UpstreamPath, body, ct);
            return;
        }

        context.Response.Headers[CacheResponse.KeyHeader] = key.Value.ToGrainKey();
        var exchange = new Exchange(context, body, request, upstream, key.Value, directives);
        try
        {
            // One call for hit and miss alike, so that a hit is counted (statistics, meter, trace) like any other.
            var result = SemanticPromptFor(request, key.Value) is { } semantic
                ? await cache.GetOrCreateAsync(semantic, c => CallUpstreamAsync(exchange, c), directives.Entry, ct)
                : await cache.GetOrCreateAsync(key.Value, c => CallUpstreamAsync(exchange, c), directives.Entry, ct);
            if (exchange.Streamed)
            {
                return;
            }

            if (exchange.UpstreamBody is { } own)
            {
                await CacheResponse.WriteJsonAsync(context, own, "miss");
                return;
            }

            if (result.Semantic is { } match)
            {
                context.Response.Headers[CacheResponse.SimilarityHeader] = match.Score.ToString("0.####", CultureInfo.InvariantCulture);
                if (match.HitId is { } hitId)
                {
                    context.Response.Headers[CacheResponse.SemanticHitIdHeader] = hitId;
                }
            }

            if (!await TryServeAsync(exchange, result.Response, CacheResponse.StatusOf(result.Source), createdAt: result.StoredAt))
            {
                // Stored by a writer whose form this gateway cannot read: the upstream answers, uncached.
                context.Response.Headers[CacheResponse.StatusHeader] = "bypass";
                await upstream.ForwardAsync(context, HttpMethod.Post, UpstreamPath, body, ct);
            }
        }
        catch (UpstreamAnswerException answer) when (!context.Response.HasStarted)
        {
            await answer.PassThroughAsync(context, ct, exchange.Streamed ? "miss" : "bypass");
        }
        catch (UpstreamAnswerException) when (exchange.Streamed && context.Response.HasStarted)
        {
            // The caller already has the whole stream; only the cache went without it (logged where it was refused).
        }
        catch (HttpRequestException ex) when (!context.Response.HasStarted)
        {
            await upstream.UnreachableAsync(context, ex);
        }
        catch (TaskCanceledException ex) when (!context.Response.HasStarted && !ct.IsCancellationRequested)
        {
            await upstream.UnreachableAsync(context, ex);
        }
    }

    private CacheKey? KeyFor(OpenAiChatRequest request, string? tenant, string? @namespace, out string? problem)
    {
        problem = null;
        string? hash;
        string? reason;
        try
        {
            hash = ChatCacheKey.TryCompute(request.Messages, request.Options, null, out reason);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            hash = null;
            reason = ex.Message;
        }

        if (hash is null)
        {
            Log.NotCacheable(logger, reason ?? "no key");
            return null;
        }

        try
        {
            return cache.CreateKey(hash, tenant, @namespace);
        }
        catch (ArgumentException ex)
        {
            problem = $"{CacheDirectives.NamespaceHeader}: {ex.Message.Split(" (Parameter", 2)[0]}";
            return null;
        }
    }

    private static SemanticPrompt? SemanticPromptFor(OpenAiChatRequest request, CacheKey key)
    {
        var context = ChatCacheKey.TryCanonicalizeScope(request.Messages, request.Options, null, out var prompt);
        return context is null ? null : new SemanticPrompt(key, SemanticScope.Create(key.Tenant, key.Namespace, "chat", context), prompt!);
    }

    /// <summary>
    /// The factory: asks the upstream. A non-streaming answer is kept for this caller; a streaming one is written to this
    /// caller live while it is collected. Either is returned for the cache unless it is an error or cannot be stored.
    /// </summary>
    private async ValueTask<CachedResponse> CallUpstreamAsync(Exchange exchange, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(exchange.Upstream.Timeout);
        using var response = await exchange.Upstream.SendAsync(exchange.Context, HttpMethod.Post, UpstreamPath, exchange.Body, timeout.Token);
        var status = (int)response.StatusCode;
        if (status >= 400 || !exchange.Request.Stream || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            if (status >= 400 || exchange.Request.Stream)
            {
                throw new UpstreamAnswerException(status, bytes, response.Content.Headers.ContentType?.ToString(), GatewayUpstream.PassedHeaders(response), $"status {status}");
            }

            var text = Encoding.UTF8.GetString(bytes);
            if (!TryDescribe(text, out var model, out var input, out var output))
            {
                throw new UpstreamAnswerException(status, bytes, response.Content.Headers.ContentType?.ToString(), GatewayUpstream.PassedHeaders(response), "the body is not a chat completion");
            }

            exchange.UpstreamBody = bytes;
            return Checked(exchange, new CachedResponse(text, model, input, output, OrleansLlmCacheChatClient.OpenAiChatCompletionContentType), bytes);
        }

        // Streaming: this caller sees the upstream's events as they come; the chunks are kept for the cache.
        var http = exchange.Context.Response;
        http.Headers[CacheResponse.StatusHeader] = "miss";
        http.ContentType = "text/event-stream";
        http.Headers.CacheControl = "no-cache";
        exchange.Streamed = true;
        var chunks = new List<string>();
        var done = false;
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            await http.WriteAsync(line + "\n", timeout.Token);
            if (line.Length == 0)
            {
                await http.Body.FlushAsync(timeout.Token);
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var data = line[5..].TrimStart();
                if (data == "[DONE]")
                {
                    done = true;
                }
                else
                {
                    chunks.Add(data);
                }
            }
        }

        await http.Body.FlushAsync(timeout.Token);
        if (!done)
        {
            throw new IOException("The upstream's stream ended without data: [DONE]; the partial answer is not cached.");
        }

        var completion = OpenAiChatFormat.ChunksToCompletion(chunks);
        TryDescribe(completion, out var streamedModel, out var streamedInput, out var streamedOutput);
        var stored = OpenAiChatFormat.WriteChunks(chunks);
        return Checked(exchange, new CachedResponse(stored, streamedModel, streamedInput, streamedOutput, OrleansLlmCacheChatClient.OpenAiChatChunksContentType), []);
    }

    private CachedResponse Checked(Exchange exchange, CachedResponse response, byte[] body)
    {
        try
        {
            response.Validate();
            return response;
        }
        catch (ArgumentException ex)
        {
            Log.NotStored(logger, exchange.Key.ToGrainKey(), ex.Message);
            throw new UpstreamAnswerException(StatusCodes.Status200OK, body, "application/json", [], ex.Message);
        }
    }

    /// <summary>Writes a stored answer in the form the request asked for; false when the stored form cannot be read.</summary>
    private async Task<bool> TryServeAsync(Exchange exchange, CachedResponse stored, string status, DateTimeOffset? createdAt)
    {
        string completion;
        List<string>? chunks = null;
        try
        {
            switch (stored.ContentType)
            {
                case OrleansLlmCacheChatClient.OpenAiChatCompletionContentType:
                    completion = stored.Content;
                    break;
                case OrleansLlmCacheChatClient.OpenAiChatChunksContentType:
                    chunks = OpenAiChatFormat.ReadChunks(stored.Content);
                    completion = exchange.Request.Stream ? string.Empty : OpenAiChatFormat.ChunksToCompletion(chunks);
                    break;
                default:
                    // Stored by the IChatClient middleware (or as plain text): rendered as OpenAI would have sent it.
                    if (!StoredChatResponse.TryReadResponse(stored, Microsoft.Extensions.AI.AIJsonUtilities.DefaultOptions, out var response, out var problem))
                    {
                        Log.StoredAnswerUnreadable(logger, exchange.Key.ToGrainKey(), problem);
                        return false;
                    }

                    completion = OpenAiChatFormat.FromChatResponse(response);
                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            Log.StoredAnswerUnreadable(logger, exchange.Key.ToGrainKey(), ex.Message);
            return false;
        }

        var http = exchange.Context.Response;
        if (createdAt is { } created)
        {
            CacheResponse.SetAge(http, created, time.GetUtcNow());
        }

        if (!exchange.Request.Stream)
        {
            await CacheResponse.WriteJsonAsync(exchange.Context, Encoding.UTF8.GetBytes(completion), status);
            return true;
        }

        // The whole answer is at hand: the events go out in one write, not one flush per chunk.
        var events = new StringBuilder();
        foreach (var chunk in chunks ?? OpenAiChatFormat.CompletionToChunks(completion))
        {
            events.Append("data: ").Append(chunk).Append("\n\n");
        }

        events.Append("data: [DONE]\n\n");
        var bytes = Encoding.UTF8.GetBytes(events.ToString());
        http.Headers[CacheResponse.StatusHeader] = status;
        http.ContentType = "text/event-stream";
        http.Headers.CacheControl = "no-cache";
        http.ContentLength = bytes.Length;
        await http.Body.WriteAsync(bytes, exchange.Context.RequestAborted);
        return true;
    }


    /// <summary>The model and token counts of a <c>chat.completion</c> body, for the cache's accounting.</summary>
    private static bool TryDescribe(string completion, out string model, out int input, out int output)
    {
        model = "unknown";
        input = output = 0;
        try
        {
            using var document = JsonDocument.Parse(completion);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out _))
            {
                return false;
            }

            if (root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(m.GetString()))
            {
                model = m.GetString()!;
            }

            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                input = usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out var pi) ? Math.Max(0, pi) : 0;
                output = usage.TryGetProperty("completion_tokens", out var c) && c.TryGetInt32(out var ci) ? Math.Max(0, ci) : 0;
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>One request's state across the factory and the code that answers it.</summary>
    private sealed class Exchange(HttpContext context, byte[] body, OpenAiChatRequest request, GatewayUpstream upstream, CacheKey key, CacheDirectives directives)
    {
        public HttpContext Context { get; } = context;

        public byte[] Body { get; } = body;

        public OpenAiChatRequest Request { get; } = request;

        /// <summary>The upstream the request's model routes to.</summary>
        public GatewayUpstream Upstream { get; } = upstream;

        public CacheKey Key { get; } = key;

        public CacheDirectives Directives { get; } = directives;

        /// <summary>The upstream's non-streaming body, when this request's own factory asked for it.</summary>
        public byte[]? UpstreamBody { get; set; }

        /// <summary>True once this request's own factory started streaming the upstream's answer to it.</summary>
        public bool Streamed { get; set; }
    }
}
