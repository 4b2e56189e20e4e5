namespace OrleansLlmCache.Client.Adapters;

/// <summary>
/// Settings of the <c>IDistributedCache</c> that <c>AddOrleansLlmCacheDistributedCache()</c> registers
/// (configuration section <c>LlmCache:Client:DistributedCache</c>):
/// <code>
/// "LlmCache": { "Client": { "DistributedCache": { "Namespace": "distributed" } } }
/// </code>
/// A value set without an expiration lives as the client's policy for the namespace says
/// (<c>LlmCache:Client:Policies</c>, else <c>DefaultTimeToLive</c>, 24 hours by default).
/// </summary>
public sealed class LlmCacheDistributedCacheOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Client:DistributedCache";

    /// <summary>The namespace every value is stored in. Default: <c>distributed</c>.</summary>
    public string Namespace { get; set; } = "distributed";

    /// <summary>The tenant every value is stored in; <see langword="null"/> (the default) takes the client's <c>Tenant</c>.</summary>
    public string? Tenant { get; set; }
}
