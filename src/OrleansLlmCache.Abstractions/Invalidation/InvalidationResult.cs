namespace OrleansLlmCache.Invalidation;

/// <summary>What an invalidation reached.</summary>
/// <param name="Keys">The dependency keys whose version was bumped (one per tag or dependency; one per matching namespace for a pattern).</param>
/// <param name="EntriesReached">Entries registered under those keys; each now misses and is being removed from storage.</param>
/// <param name="SubscribersNotified">Silos and app servers that applied the new versions before the call returned.</param>
[GenerateSerializer, Immutable, Alias("llmcache.InvalidationResult")]
public sealed record InvalidationResult(
    [property: Id(0)] IReadOnlyList<string> Keys,
    [property: Id(1)] long EntriesReached,
    [property: Id(2)] int SubscribersNotified);
