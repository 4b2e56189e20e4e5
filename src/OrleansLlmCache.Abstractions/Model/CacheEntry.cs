namespace OrleansLlmCache.Abstractions.Model;

/// <summary>A live cache entry: the response and its metadata.</summary>
/// <param name="Response">The cached response.</param>
/// <param name="CreatedAt">When the entry was stored.</param>
/// <param name="ExpiresAt">When it stops being served; <see langword="null"/> means never.</param>
/// <param name="HitCount">How many times it has been served from the cluster.</param>
/// <param name="Tags">The tags the entry carries.</param>
/// <param name="Dependencies">The dependencies it was built from.</param>
/// <param name="Versions">
/// The version of every dependency key (tags, dependencies, its namespace; see <see cref="Invalidation.DependencyKey"/>)
/// when the entry was built. The entry is live only while each is still current.
/// </param>
/// <param name="LoadedFromStorage">True when this read brought the entry into silo memory from storage (PostgreSQL).</param>
/// <remarks>Orleans serializes it through its wire form, CacheEntrySurrogate (concrete collection types).</remarks>
[Immutable, Alias("llmcache.CacheEntry")]
public sealed record CacheEntry(
    CachedResponse Response,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    long HitCount,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyList<string>? Dependencies = null,
    IReadOnlyDictionary<string, long>? Versions = null,
    bool LoadedFromStorage = false)
{
    /// <summary>
    /// When the entry becomes due for an eager refresh: once it has lived <paramref name="threshold"/> (a share between 0
    /// and 1, exclusive) of its lifetime. <see langword="null"/> for an entry without expiry, or a threshold outside that
    /// range. (Whether it has expired by then is the reader's to check, on its own clock.)
    /// </summary>
    public DateTimeOffset? RefreshDueAt(double threshold) =>
        ExpiresAt is { } expires && threshold is > 0 and < 1 ? CreatedAt + ((expires - CreatedAt) * threshold) : null;
}
