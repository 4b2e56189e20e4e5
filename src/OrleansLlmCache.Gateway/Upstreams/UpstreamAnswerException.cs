using Microsoft.AspNetCore.Http;
using OrleansLlmCache.Gateway.Http;

namespace OrleansLlmCache.Gateway.Upstreams;

/// <summary>
/// Thrown from a get-or-create factory with an upstream answer that must reach the caller but not the cache (an error
/// status, or a body the cache cannot hold), so that nothing is stored and the answer is passed through as it came.
/// </summary>
internal sealed class UpstreamAnswerException(int status, byte[] body, string? contentType, IReadOnlyList<KeyValuePair<string, string>> headers, string reason)
    : Exception($"The upstream's answer is not cached: {reason}.")
{
    public int Status { get; } = status;

    public byte[] Body { get; } = body;

    public string? ContentType { get; } = contentType;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = headers;

    /// <summary>Writes the upstream's answer to the caller as it came: status, content type, retry headers and body.</summary>
    public async Task PassThroughAsync(HttpContext context, CancellationToken cancellationToken, string cacheStatus = "bypass")
    {
        context.Response.Headers[CacheResponse.StatusHeader] = cacheStatus;
        context.Response.StatusCode = Status;
        context.Response.ContentType = ContentType;
        foreach (var (name, value) in Headers)
        {
            context.Response.Headers.Append(name, value);
        }

        await context.Response.Body.WriteAsync(Body, cancellationToken);
    }
}
