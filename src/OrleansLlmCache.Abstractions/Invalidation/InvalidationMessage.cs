namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>
/// One broadcast from the invalidation hub: new dependency versions and entry keys to evict. <see cref="Sequence"/>
/// numbers the broadcasts, so a subscriber that sees a gap knows it missed one and drops what it cannot trust.
/// </summary>
[GenerateSerializer, Immutable, Alias("llmcache.InvalidationMessage")]
public sealed record InvalidationMessage(
    [property: Id(0)] long Sequence,
    [property: Id(1)] IReadOnlyDictionary<string, long> Versions,
    [property: Id(2)] IReadOnlyList<string> EvictedEntries);
