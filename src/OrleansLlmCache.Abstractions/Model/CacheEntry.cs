namespace OrleansLlmCache.Model;

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
[GenerateSerializer, Immutable, Alias("llmcache.CacheEntry")]
public sealed record CacheEntry(
    [property: Id(0)] CachedResponse Response,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] DateTimeOffset? ExpiresAt,
    [property: Id(3)] long HitCount,
    [property: Id(4)] IReadOnlyList<string>? Tags = null,
    [property: Id(5)] IReadOnlyList<string>? Dependencies = null,
    [property: Id(6)] IReadOnlyDictionary<string, long>? Versions = null,
    [property: Id(7)] bool LoadedFromStorage = false);
