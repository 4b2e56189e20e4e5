namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>What an invalidation reached, and what of it is not done yet.</summary>
/// <param name="Keys">The dependency keys whose version was bumped (one per tag or dependency; one per matching namespace for a pattern).</param>
/// <param name="EntriesReached">Entries registered under those keys; each now misses and is being removed from storage.</param>
/// <param name="SubscribersNotified">Silos and app servers that applied the new versions before the call returned.</param>
/// <param name="LeftOverRemovals">
/// Rows an earlier invalidation of the same keys had not removed from storage yet (it failed part-way, or is still at
/// it); this one removes them too.
/// </param>
/// <param name="Failures">
/// The parts that did not complete, one sentence each; empty when the invalidation is complete. Repeating the
/// invalidation is safe and reaches what was left.
/// </param>
[GenerateSerializer, Immutable, Alias("llmcache.InvalidationResult")]
public sealed record InvalidationResult(
    [property: Id(0)] IReadOnlyList<string> Keys,
    [property: Id(1)] long EntriesReached,
    [property: Id(2)] int SubscribersNotified,
    [property: Id(3)] long LeftOverRemovals,
    [property: Id(4)] IReadOnlyList<string> Failures)
{
    /// <summary>Whether every part completed: versions bumped and broadcast, every member found and queued for removal.</summary>
    public bool IsComplete => Failures.Count == 0;
}
