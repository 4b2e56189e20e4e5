using OrleansLlmCache.Model;

namespace OrleansLlmCache.Client.Caching;

/// <summary>The answer of <see cref="ILlmCache.GetOrCreateAsync"/>: the response and where it came from.</summary>
/// <param name="Response">The response.</param>
/// <param name="Source">Cache hit, shared origin call, own origin call, or origin because the cache was unavailable.</param>
/// <param name="Elapsed">How long the call took.</param>
public sealed record LlmCacheResult(CachedResponse Response, LlmCacheSource Source, TimeSpan Elapsed)
{
    /// <summary>True when the origin was not called for this request.</summary>
    public bool IsHit => Source is LlmCacheSource.Hit or LlmCacheSource.Coalesced;
}
