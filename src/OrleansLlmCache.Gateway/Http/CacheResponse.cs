using System.Globalization;
using Microsoft.AspNetCore.Http;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Gateway.Http;

/// <summary>What every cached endpoint tells its caller: the headers that say what happened, and a JSON body written whole.</summary>
internal static class CacheResponse
{
    /// <summary><c>hit</c>, <c>semantic-hit</c>, <c>coalesced</c>, <c>stale</c>, <c>miss</c> or <c>bypass</c>.</summary>
    public const string StatusHeader = "x-llmcache-status";

    /// <summary>The entry's key, <c>tenant/namespace/id</c>.</summary>
    public const string KeyHeader = "x-llmcache-key";

    /// <summary>The cosine similarity of a semantic hit.</summary>
    public const string SimilarityHeader = "x-llmcache-similarity";

    /// <summary>The id of a semantic hit, to report on with <c>POST /v1/cache/semantic-feedback</c>.</summary>
    public const string SemanticHitIdHeader = "x-llmcache-semantic-hit-id";

    /// <summary>The <see cref="StatusHeader"/> value that says where a get-or-create answer came from.</summary>
    public static string StatusOf(LlmCacheSource source) => source switch
    {
        LlmCacheSource.SemanticHit => "semantic-hit",
        LlmCacheSource.Coalesced => "coalesced",
        LlmCacheSource.Hit => "hit",
        LlmCacheSource.Stale => "stale",
        _ => "miss",
    };

    /// <summary>HTTP's <c>Age</c>: whole seconds since the answer was stored.</summary>
    public static void SetAge(HttpResponse response, DateTimeOffset storedAt, DateTimeOffset now) =>
        response.Headers.Age = ((long)Math.Max(0, (now - storedAt).TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="body"/> as the whole JSON answer, with its status header.</summary>
    public static async Task WriteJsonAsync(HttpContext context, byte[] body, string status)
    {
        context.Response.Headers[StatusHeader] = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
