using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Gateway.Authentication;
using OrleansLlmCache.Gateway.Diagnostics;
using OrleansLlmCache.Gateway.Http;
using OrleansLlmCache.Gateway.Options;
using OrleansLlmCache.Gateway.Upstreams;

namespace OrleansLlmCache.Gateway.Exact;

/// <summary>
/// An endpoint whose upstream answers are cached under an exact key of the whole request (every field, in a canonical
/// order) and served again as they came: embeddings, which are deterministic, and the Responses API, whose requests
/// carry state (instructions, tools, a previous response) that a canonical chat form would not capture. Misses are
/// single-flight; errors are passed through and never cached; the request headers of the chat endpoint apply.
/// </summary>
internal abstract class ExactRequestEndpoint(
    ILlmCache cache,
    GatewayUpstreams upstreams,
    IOptions<LlmCacheGatewayOptions> options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The upstream path, such as <c>embeddings</c>.</summary>
    protected abstract string UpstreamPath { get; }

    /// <summary>Versions the key: a change to what is hashed changes every key, so old entries are never misread.</summary>
    protected abstract string KeyPrefix { get; }

    /// <summary>What a valid body holds, for the message that refuses one that is not JSON.</summary>
    protected abstract string Shape { get; }

    /// <summary>The logger of the endpoint.</summary>
    protected ILogger Logger { get; } = logger;

    /// <summary>The upstreams, chosen by model.</summary>
    protected GatewayUpstreams Upstreams { get; } = upstreams;

    /// <summary>The gateway's settings.</summary>
    protected LlmCacheGatewayOptions Options { get; } = options.Value;

    /// <summary>What is wrong with a request this endpoint cannot take, or <see langword="null"/>.</summary>
    protected abstract BadRequest? Problem(JsonElement root);

    /// <summary>Whether a stored entry is one this endpoint wrote (the cache API can store anything under a key).</summary>
    protected abstract bool IsOwn(CachedResponse stored);

    /// <summary>
    /// The factory: asks the upstream and returns the answer for the cache; keeps a whole answer in
    /// <see cref="ExactExchange.OwnAnswer"/> or streams it to the caller itself (<see cref="ExactExchange.Streamed"/>).
    /// Throws <see cref="UpstreamAnswerException"/> for what must be passed through uncached.
    /// </summary>
    protected abstract Task<CachedResponse> AskAsync(ExactExchange exchange, CancellationToken cancellationToken);

    /// <summary>Writes a stored answer to the caller, with its status header.</summary>
    protected abstract Task WriteStoredAsync(HttpContext context, CachedResponse stored, string status);

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        if (await RequestBody.ReadOrRefuseAsync(context, Options.MaxRequestBytes) is not { } body)
        {
            return;
        }

        string hash;
        string model;
        bool stream;
        if (!RequestJson.TryParse(body, Shape, out var document, out var refusal))
        {
            await OpenAiErrors.BadRequestAsync(context, refusal);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (Problem(root) is { } problem)
            {
                await OpenAiErrors.BadRequestAsync(context, problem);
                return;
            }

            hash = CanonicalJson.Hash(KeyPrefix, root);
            model = root.GetProperty("model").GetString()!;
            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        }

        if (await Upstreams.RouteOrRefuseAsync(context, model) is not { } upstream)
        {
            return;
        }

        if (!CacheDirectives.TryRead(context.Request.Headers, out var directives, out var headerProblem))
        {
            await OpenAiErrors.BadRequestAsync(context, headerProblem, "invalid_cache_header");
            return;
        }

        var caller = GatewayCaller.From(context.User);
        if (!caller.TryResolveNamespace(directives.Namespace, out var @namespace, out var forbidden))
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, forbidden!, OpenAiErrors.Permission, "namespace_not_allowed");
            return;
        }

        if (directives.NoStore)
        {
            context.Response.Headers[CacheResponse.StatusHeader] = "bypass";
            await upstream.ForwardAsync(context, HttpMethod.Post, UpstreamPath, body, ct);
            return;
        }

        CacheKey key;
        try
        {
            key = cache.CreateKey(hash, caller.Tenant, @namespace);
        }
        catch (ArgumentException ex)
        {
            await OpenAiErrors.BadRequestAsync(context, $"{CacheDirectives.NamespaceHeader}: {ex.Message.Split(" (Parameter", 2)[0]}", "invalid_cache_key");
            return;
        }

        context.Response.Headers[CacheResponse.KeyHeader] = key.ToGrainKey();
        var exchange = new ExactExchange(context, upstream, key, body, stream);
        try
        {
            await AnswerAsync(exchange, directives, ct);
        }
        catch (UpstreamAnswerException answer) when (!context.Response.HasStarted)
        {
            await answer.PassThroughAsync(context, ct);
        }
        catch (UpstreamAnswerException) when (exchange.Streamed)
        {
            // The caller already has the whole stream; only the cache went without it (logged where it was refused).
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !context.Response.HasStarted && !ct.IsCancellationRequested)
        {
            await upstream.UnreachableAsync(context, ex);
        }
    }

    private async Task AnswerAsync(ExactExchange exchange, CacheDirectives directives, CancellationToken ct)
    {
        var context = exchange.Context;
        // One call for hit and miss alike, so that a hit is counted (statistics, meter, trace) like any other. With
        // no-cache (ForceRefresh) the read is skipped, and the upstream's answer is stored in place of the cached one.
        var result = await cache.GetOrCreateAsync(exchange.Key, c => new ValueTask<CachedResponse>(AskAsync(exchange, c)), directives.Entry, ct);
        if (exchange.OwnAnswer is null && !exchange.Streamed)
        {
            if (!IsOwn(result.Response))
            {
                // Something else was stored under this key (through the cache API): the upstream answers, uncached.
                context.Response.Headers[CacheResponse.StatusHeader] = "bypass";
                await exchange.Upstream.ForwardAsync(context, HttpMethod.Post, UpstreamPath, exchange.Body, ct);
                return;
            }

            if (result.StoredAt is { } storedAt)
            {
                CacheResponse.SetAge(context.Response, storedAt, time.GetUtcNow());
            }

            await WriteStoredAsync(context, result.Response, CacheResponse.StatusOf(result.Source));
            return;
        }

        if (exchange.OwnAnswer is { } own)
        {
            await CacheResponse.WriteJsonAsync(context, own, "miss");
        }
    }

    /// <summary>
    /// The problem of a body that is not an object with a <c>model</c> name and an <c>input</c> (a string or a list), or
    /// <see langword="null"/>: what embeddings and responses both require.
    /// </summary>
    internal static BadRequest? RequireModelAndInput(JsonElement root, string modelExample, string inputHint)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new BadRequest("The request body must be a JSON object with 'model' and 'input'.", null);
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(model.GetString()))
        {
            return new BadRequest($"The request is missing 'model': name the model, for example \"{modelExample}\".", "model");
        }

        return root.TryGetProperty("input", out var input) && input.ValueKind is JsonValueKind.String or JsonValueKind.Array
            ? null
            : new BadRequest($"The request is missing 'input': send {inputHint}.", "input");
    }

    /// <summary>
    /// Asks the upstream for a whole (not streamed) answer and keeps it for this caller; an error, an answer
    /// <paramref name="describe"/> does not recognise, or one the cache cannot hold is thrown to be passed through uncached.
    /// </summary>
    protected async Task<CachedResponse> AskWholeAsync(
        ExactExchange exchange, string contentType, Func<string, (string Model, int Input, int Output)?> describe, string unrecognised, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(exchange.Upstream.Timeout);
        using var response = await exchange.Upstream.SendAsync(exchange.Context, HttpMethod.Post, UpstreamPath, exchange.Body, timeout.Token);
        var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        var status = (int)response.StatusCode;
        var upstreamType = response.Content.Headers.ContentType?.ToString();
        if (status >= 400)
        {
            throw new UpstreamAnswerException(status, bytes, upstreamType, GatewayUpstream.PassedHeaders(response), $"status {status}");
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (describe(text) is not { } described)
        {
            throw new UpstreamAnswerException(status, bytes, upstreamType, GatewayUpstream.PassedHeaders(response), unrecognised);
        }

        var stored = Checked(exchange, new CachedResponse(text, described.Model, described.Input, described.Output, contentType), bytes, upstreamType);
        exchange.OwnAnswer = bytes;
        return stored;
    }

    /// <summary>The answer, or an <see cref="UpstreamAnswerException"/> that passes it through uncached when it is too large for an entry.</summary>
    protected CachedResponse Checked(ExactExchange exchange, CachedResponse response, byte[] body, string? contentType)
    {
        try
        {
            response.Validate();
            return response;
        }
        catch (ArgumentException ex)
        {
            Log.NotStored(Logger, exchange.Key.ToGrainKey(), ex.Message);
            throw new UpstreamAnswerException(StatusCodes.Status200OK, body, contentType, [], ex.Message);
        }
    }
}
