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
}
