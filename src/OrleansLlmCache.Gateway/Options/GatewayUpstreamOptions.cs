namespace OrleansLlmCache.Gateway.Options;

/// <summary>
/// An OpenAI-compatible endpoint behind the gateway: the default one (<c>LlmCache:Gateway:Upstream</c>), which answers
/// every model no entry of <c>LlmCache:Gateway:Upstreams</c> names, or one of those entries
/// (<see cref="GatewayModelUpstreamOptions"/>).
/// </summary>
public class GatewayUpstreamOptions
{
    /// <summary>
    /// The base URL, up to and including <c>/v1</c> (<c>https://api.openai.com/v1</c>, <c>http://localhost:11434/v1</c>).
    /// Default: none; for the default upstream that means models no entry of <c>Upstreams</c> names get 503 (which
    /// names the model and the setting to set); an entry of <c>Upstreams</c> must have one.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>
    /// The gateway's key for the upstream, sent as <c>Authorization: Bearer ...</c>. Default: none (no header, unless
    /// <see cref="PassCallerKey"/> forwards the caller's).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one upstream call may take, streaming included. Default: 5 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether a caller's own provider key reaches this upstream. When true, a caller that presents its gateway key in
    /// <c>x-llmcache-api-key</c> and sends an <c>Authorization</c> header has that header forwarded instead of
    /// <see cref="ApiKey"/> (a caller without one gets <see cref="ApiKey"/>). Cached answers stay per tenant, and a hit
    /// is served without the provider seeing the caller's key. Default: false (callers' headers are never forwarded).
    /// </summary>
    public bool PassCallerKey { get; set; }
}
