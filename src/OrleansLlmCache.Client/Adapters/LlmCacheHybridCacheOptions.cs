using Microsoft.Extensions.Caching.Hybrid;

namespace OrleansLlmCache.Client.Adapters;

/// <summary>
/// Settings of the <see cref="HybridCache"/> that <c>AddOrleansLlmCacheHybridCache()</c> registers (configuration
/// section <c>LlmCache:Client:HybridCache</c>):
/// <code>
/// "LlmCache": { "Client": { "HybridCache": { "Namespace": "hybrid", "DefaultExpiration": "00:05:00", "DefaultFlags": "None" } } }
/// </code>
/// </summary>
public sealed class LlmCacheHybridCacheOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Client:HybridCache";

    /// <summary>
    /// The namespace every value is stored in. <c>RemoveByTagAsync("*")</c> invalidates this namespace, so give the
    /// adapter a namespace of its own. Default: <c>hybrid</c>.
    /// </summary>
    public string Namespace { get; set; } = "hybrid";

    /// <summary>The tenant every value is stored in; <see langword="null"/> (the default) takes the client's <c>Tenant</c>.</summary>
    public string? Tenant { get; set; }

    /// <summary>
    /// How long a value lives when a call's <see cref="HybridCacheEntryOptions.Expiration"/> does not say, as
    /// <c>HybridCacheOptions.DefaultEntryOptions.Expiration</c> did. Default: 5 minutes, HybridCache's own default.
    /// <see langword="null"/> hands the choice to the client's policy for the namespace
    /// (<c>LlmCache:Client:Policies</c>, else <c>DefaultTimeToLive</c>).
    /// </summary>
    public TimeSpan? DefaultExpiration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The flags of a call whose options carry none, as <c>HybridCacheOptions.DefaultEntryOptions.Flags</c> did; a
    /// call's own flags replace them. Default: none.
    /// </summary>
    public HybridCacheEntryFlags DefaultFlags { get; set; }
}
