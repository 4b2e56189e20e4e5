using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Gateway.Exact;
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
    : ExactRequestEndpoint(cache, upstreams, options, time, logger)
{
    /// <summary>How a stored embeddings answer is marked: the upstream's JSON body, as it came.</summary>
    public const string ContentType = "application/vnd.openai.embeddings+json";

    protected override string UpstreamPath => "embeddings";

    protected override string KeyPrefix => "openai.embeddings.v1\n";

    protected override string Shape => "a JSON object with 'model' and 'input'";

    protected override BadRequest? Problem(JsonElement root) => RequireModelAndInput(root, "text-embedding-3-small", "the text to embed, or a list of texts");

    protected override bool IsOwn(CachedResponse stored) => stored.ContentType == ContentType;

    protected override Task<CachedResponse> AskAsync(ExactExchange exchange, CancellationToken cancellationToken) =>
        AskWholeAsync(exchange, ContentType, Describe, "the body is not a list of embeddings", cancellationToken);

    protected override Task WriteStoredAsync(HttpContext context, CachedResponse stored, string status) =>
        CacheResponse.WriteJsonAsync(context, Encoding.UTF8.GetBytes(stored.Content), status);

    /// <summary>The model and prompt tokens of an embeddings answer (<c>"object": "list"</c> with <c>data</c>), for the cache's accounting.</summary>
    private static (string Model, int Input, int Output)? Describe(string answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(m.GetString())
                ? m.GetString()!
                : "unknown";
            var tokens = root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out var pi) ? Math.Max(0, pi) : 0;
            return (model, tokens, 0);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
