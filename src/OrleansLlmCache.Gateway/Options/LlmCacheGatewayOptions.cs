namespace OrleansLlmCache.Gateway.Options;

/// <summary>
/// The gateway's settings, bound from <c>LlmCache:Gateway</c>:
/// <code>
/// "LlmCache": { "Gateway": {
///   "Upstream": { "BaseUrl": "https://api.openai.com/v1", "ApiKey": "sk-...", "Timeout": "00:05:00" },
///   "Upstreams": [ { "Models": [ "claude-*" ], "BaseUrl": "https://api.anthropic.com/v1", "PassCallerKey": true },
///                  { "Models": [ "llama3.1" ], "BaseUrl": "http://ollama:11434/v1" } ],
///   "ApiKeys": [ { "Name": "python-support", "Sha256": "64 hex digits", "Tenant": "acme", "Namespaces": [ "support", "content:*" ] } ],
///   "MaxRequestBytes": 1048576 } }
/// </code>
/// </summary>
public sealed class LlmCacheGatewayOptions
{
    /// <summary>The configuration section: <c>LlmCache:Gateway</c>.</summary>
    public const string SectionName = "LlmCache:Gateway";

    /// <summary>
    /// The default upstream: it answers the misses of every model no entry of <see cref="Upstreams"/> names. Without a
    /// base URL such models get 503.
    /// </summary>
    public GatewayUpstreamOptions Upstream { get; set; } = new();

    /// <summary>
    /// Upstreams chosen by the request's <c>model</c>: the first entry with a matching pattern answers, before the
    /// default <see cref="Upstream"/>. Default: none (every model goes to the default upstream).
    /// </summary>
    public List<GatewayModelUpstreamOptions> Upstreams { get; set; } = [];

    /// <summary>
    /// The keys callers present as <c>Authorization: Bearer ...</c> (or in <c>x-llmcache-api-key</c>, when Authorization
    /// carries their own provider key), each bound to a tenant. Empty (the default): the development mode, which serves
    /// callers on the loopback interface only, as the cache's configured tenant.
    /// </summary>
    public List<GatewayApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>The largest request body accepted, in bytes. Default: 1 MiB (1,048,576); at most 4 MiB.</summary>
    public int MaxRequestBytes { get; set; } = 1024 * 1024;
}
