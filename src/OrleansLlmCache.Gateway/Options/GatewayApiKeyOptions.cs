namespace OrleansLlmCache.Gateway.Options;

/// <summary>
/// One gateway API key (an element of <c>LlmCache:Gateway:ApiKeys</c>). Only the key's SHA-256 is configured:
/// <c>printf %s "$KEY" | sha256sum</c>.
/// </summary>
public sealed class GatewayApiKeyOptions
{
    /// <summary>A name for logs (never the key itself). Default: the position in the list.</summary>
    public string? Name { get; set; }

    /// <summary>The SHA-256 of the key's UTF-8 bytes, 64 hex digits. Required.</summary>
    public string? Sha256 { get; set; }

    /// <summary>The tenant every request made with this key belongs to. Required.</summary>
    public string? Tenant { get; set; }

    /// <summary>
    /// The namespaces the key may use: names (<c>support</c>) or prefixes (<c>content:*</c>). Empty (the default): any
    /// namespace of its tenant. A request without <c>x-llmcache-namespace</c> uses the first name in the list.
    /// </summary>
    public List<string> Namespaces { get; set; } = [];
}
