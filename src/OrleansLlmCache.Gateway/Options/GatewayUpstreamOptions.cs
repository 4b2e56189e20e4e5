namespace OrleansLlmCache.Gateway.Options;

/// <summary>The OpenAI-compatible endpoint behind the gateway (<c>LlmCache:Gateway:Upstream</c>).</summary>
public sealed class GatewayUpstreamOptions
{
    /// <summary>
    /// The base URL, up to and including <c>/v1</c> (<c>https://api.openai.com/v1</c>, <c>http://localhost:11434/v1</c>).
    /// Default: none (the chat endpoint answers 503 and says which setting to set).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>The gateway's key for the upstream, sent as <c>Authorization: Bearer ...</c>. Default: none (no header).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one upstream call may take, streaming included. Default: 5 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
}
