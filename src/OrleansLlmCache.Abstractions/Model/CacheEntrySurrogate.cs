namespace OrleansLlmCache.Abstractions.Model;

/// <summary>
/// The wire form of <see cref="CacheEntry"/>, which travels with every cluster hit. Its collections are declared with
/// their concrete types: for a field declared as an interface (<c>IReadOnlyList&lt;string&gt;</c>) Orleans writes the
/// runtime type's name into every message, and the receiver parses and checks it, which showed up in CPU profiles of
/// the hit path (docs/benchmarks-history.md, "Before batched reads").
/// </summary>
[GenerateSerializer, Immutable, Alias("llmcache.CacheEntry.wire")]
internal struct CacheEntrySurrogate
{
    [Id(0)] public CachedResponse Response;
    [Id(1)] public DateTimeOffset CreatedAt;
    [Id(2)] public DateTimeOffset? ExpiresAt;
    [Id(3)] public long HitCount;
    [Id(4)] public string[]? Tags;
    [Id(5)] public string[]? Dependencies;
    [Id(6)] public Dictionary<string, long>? Versions;
    [Id(7)] public bool LoadedFromStorage;
}
