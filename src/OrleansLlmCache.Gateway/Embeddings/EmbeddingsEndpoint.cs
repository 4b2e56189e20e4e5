using System.Security.Cryptography;
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

namespace OrleansLlmCache.Gateway.Embeddings;

/// <summary>
/// <c>POST /v1/embeddings</c>: embeddings are deterministic, so the upstream's answer is cached under an exact key of the
/// whole request (every field, in a canonical order) and served again as it came. Misses are single-flight; errors are
/// passed through and never cached.
/// </summary>
internal sealed class EmbeddingsEndpoint(
    ILlmCache cache,
    GatewayUpstreams upstreams,
    IOptions<LlmCacheGatewayOptions> options,
    TimeProvider time,
    ILogger<EmbeddingsEndpoint> logger)
{
    /// <summary>How a stored embeddings answer is marked: the upstream's JSON body, as it came.</summary>
    public const string ContentType = "application/vnd.openai.embeddings+json";

    private const string UpstreamPath = "embeddings";

    // Versions the key: a change to the canonical form below changes every key, so old entries are never misread.
    private const string KeyPrefix = "openai.embeddings.v1\n";

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var maxBytes = options.Value.MaxRequestBytes;
        if (await RequestBody.ReadOrRefuseAsync(context, maxBytes) is not { } body)
        {
            return;
        }

        string hash;
        string model;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (Problem(document.RootElement) is { } problem)
            {
                await OpenAiErrors.BadRequestAsync(context, problem);
                return;
            }

            hash = Hash(document.RootElement);
            model = document.RootElement.GetProperty("model").GetString()!;
        }
        catch (JsonException ex)
        {
            await OpenAiErrors.BadRequestAsync(context, $"The request body is not valid JSON ({ex.Message}): send a JSON object with 'model' and 'input'.", "invalid_json");
            return;
        }

        if (await upstreams.RouteOrRefuseAsync(context, model) is not { } upstream)
        {
            return;
        }

        if (!CacheDirectives.TryRead(context.Request.Headers, out var directives, out var headerProblem))
        {
            await OpenAiErrors.BadRequestAsync(context, headerProblem, "invalid_cache_header");
            return;
        }

        var caller = GatewayCaller.From(context.User);
        if (!caller.TryResolveNamespace(directives.Namespace, out var @namespace, out var refusal))
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, refusal!, OpenAiErrors.Permission, "namespace_not_allowed");
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
        try
        {
            if (!directives.NoCache && await cache.GetAsync(key, ct) is { Response.ContentType: ContentType } stored)
            {
                CacheResponse.SetAge(context.Response, stored.CreatedAt, time.GetUtcNow());
                await WriteAsync(context, stored.Response.Content, "hit");
                return;
            }

            byte[]? own = null;
            async ValueTask<CachedResponse> CallUpstreamAsync(CancellationToken c)
            {
                var (bytes, response) = await AskAsync(context, upstream, key, body, c);
                own = bytes;
                return response;
            }

            if (directives.NoCache)
            {
                // Read skipped, answer stored: no single-flight, as the caller asked for a fresh answer of its own.
                var fresh = await CallUpstreamAsync(ct);
                await StoreAsync(key, fresh, directives.Entry, ct);
            }
            else
            {
                var result = await cache.GetOrCreateAsync(key, CallUpstreamAsync, directives.Entry, ct);
                if (own is null && result.Response.ContentType != ContentType)
                {
                    // Something else was stored under this key (through the cache API): the upstream answers, uncached.
                    context.Response.Headers[CacheResponse.StatusHeader] = "bypass";
                    await upstream.ForwardAsync(context, HttpMethod.Post, UpstreamPath, body, ct);
                    return;
                }

                if (own is null)
                {
                    if (result.StoredAt is { } storedAt)
                    {
                        CacheResponse.SetAge(context.Response, storedAt, time.GetUtcNow());
                    }

                    await WriteAsync(context, result.Response.Content, CacheResponse.StatusOf(result.Source));
                    return;
                }
            }

            await WriteAsync(context, Encoding.UTF8.GetString(own!), "miss");
        }
        catch (UpstreamAnswerException answer) when (!context.Response.HasStarted)
        {
            context.Response.Headers[CacheResponse.StatusHeader] = "bypass";
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            foreach (var (name, value) in answer.Headers)
            {
                context.Response.Headers.Append(name, value);
            }

            await context.Response.Body.WriteAsync(answer.Body, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !context.Response.HasStarted && !ct.IsCancellationRequested)
        {
            await upstream.UnreachableAsync(context, ex);
        }
    }

    /// <summary>Asks the upstream; an error, or an answer the cache cannot hold, is thrown to be passed through uncached.</summary>
    private async Task<(byte[] Body, CachedResponse Response)> AskAsync(HttpContext context, GatewayUpstream upstream, CacheKey key, byte[] body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(upstream.Timeout);
        using var response = await upstream.SendAsync(context, HttpMethod.Post, UpstreamPath, body, timeout.Token);
        var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        var status = (int)response.StatusCode;
        var contentType = response.Content.Headers.ContentType?.ToString();
        if (status >= 400)
        {
            throw new UpstreamAnswerException(status, bytes, contentType, GatewayUpstream.PassedHeaders(response), $"status {status}");
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (!TryDescribe(text, out var model, out var tokens))
        {
            throw new UpstreamAnswerException(status, bytes, contentType, GatewayUpstream.PassedHeaders(response), "the body is not a list of embeddings");
        }

        var stored = new CachedResponse(text, model, tokens, 0, ContentType);
        try
        {
            stored.Validate();
        }
        catch (ArgumentException ex)
        {
            Log.NotStored(logger, key.ToGrainKey(), ex.Message);
            throw new UpstreamAnswerException(status, bytes, contentType, GatewayUpstream.PassedHeaders(response), ex.Message);
        }

        return (bytes, stored);
    }

    private async Task StoreAsync(CacheKey key, CachedResponse response, LlmCacheEntryOptions entry, CancellationToken ct)
    {
        try
        {
            await cache.SetAsync(key, response, entry, ct);
        }
        catch (Exception ex) when (ex is LlmCacheUnavailableException or ArgumentException)
        {
            Log.NotStored(logger, key.ToGrainKey(), ex.Message);
        }
    }

    private static Task WriteAsync(HttpContext context, string body, string status) =>
        CacheResponse.WriteJsonAsync(context, Encoding.UTF8.GetBytes(body), status);

    /// <summary>What is wrong with a request that is not an embeddings request, or <see langword="null"/>.</summary>
    private static string? Problem(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "The request body must be a JSON object with 'model' and 'input'.";
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(model.GetString()))
        {
            return "The request is missing 'model': name the embedding model, for example \"text-embedding-3-small\".";
        }

        return root.TryGetProperty("input", out var input) && input.ValueKind is JsonValueKind.String or JsonValueKind.Array
            ? null
            : "The request is missing 'input': send the text to embed, or a list of texts.";
    }

    /// <summary>
    /// The exact key: SHA-256 of the whole request with object members in ordinal order (so member order does not
    /// matter, every value does: model, input, dimensions, encoding format, user and any newer field).
    /// </summary>
    private static string Hash(JsonElement root)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Encoding.UTF8.GetBytes(KeyPrefix));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, root);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>The model and prompt tokens of an embeddings answer (<c>"object": "list"</c> with <c>data</c>), for the cache's accounting.</summary>
    private static bool TryDescribe(string answer, out string model, out int tokens)
    {
        model = "unknown";
        tokens = 0;
        try
        {
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            if (root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(m.GetString()))
            {
                model = m.GetString()!;
            }

            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out var pi))
            {
                tokens = Math.Max(0, pi);
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
