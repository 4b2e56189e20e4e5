using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;

namespace OrleansLlmCache.Client.Caching;

/// <summary>The answer of a get-or-create call on <see cref="ILlmCache"/>: the response and where it came from.</summary>
/// <param name="Response">The response.</param>
/// <param name="Source">Cache hit, shared origin call, own origin call, or origin because the cache was unavailable.</param>
/// <param name="Elapsed">How long the call took.</param>
/// <param name="Semantic">With a <see cref="LlmCacheSource.SemanticHit"/>: the cached prompt that answered, its entry and its score.</param>
public sealed record LlmCacheResult(CachedResponse Response, LlmCacheSource Source, TimeSpan Elapsed, SemanticMatch? Semantic = null)
{
    /// <summary>True when the origin was not called for this request.</summary>
    public bool IsHit => Source is LlmCacheSource.Hit or LlmCacheSource.Coalesced or LlmCacheSource.SemanticHit;

    /// <summary>
    /// With an answer from the cache (a hit, coalesced, semantic or <see cref="LlmCacheSource.Stale"/>): when it was stored,
    /// for an HTTP <c>Age</c> header, or to tell how stale a stale answer is. <see langword="null"/> for the origin's own answer.
    /// </summary>
    public DateTimeOffset? StoredAt { get; init; }
}
