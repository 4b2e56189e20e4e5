namespace OrleansLlmCache.Gateway.Options;

/// <summary>
/// The gateway's settings, bound from <c>LlmCache:Gateway</c>:
/// <code>
/// "LlmCache": { "Gateway": {
///   "Upstream": { "BaseUrl": "https://api.openai.com/v1", "ApiKey": "sk-...", "Timeout": "00:05:00" },
///   "ApiKeys": [ { "Name": "python-support", "Sha256": "64 hex digits", "Tenant": "acme", "Namespaces": [ "support", "content:*" ] } ],
///   "MaxRequestBytes": 1048576 } }
/// </code>
/// </summary>
public sealed class LlmCacheGatewayOptions
{
    /// <summary>The configuration section: <c>LlmCache:Gateway</c>.</summary>
    public const string SectionName = "LlmCache:Gateway";

    /// <summary>The OpenAI-compatible endpoint that answers misses. Without a base URL the chat endpoint answers 503.</summary>
    public GatewayUpstreamOptions Upstream { get; set; } = new();

    /// <summary>
    /// The keys callers present as <c>Authorization: Bearer ...</c>, each bound to a tenant. Empty (the default): the
    /// development mode, which serves callers on the loopback interface only, as the cache's configured tenant.
    /// </summary>
    public List<GatewayApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>The largest request body accepted, in bytes. Default: 1 MiB (1,048,576); at most 4 MiB.</summary>
    public int MaxRequestBytes { get; set; } = 1024 * 1024;
}
