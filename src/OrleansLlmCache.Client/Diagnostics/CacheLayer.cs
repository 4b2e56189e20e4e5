namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>Where a hit was answered from, as <see cref="CacheOutcomeObserver"/> reports it.</summary>
internal enum CacheLayer
{
    /// <summary>This process's memory: no network call.</summary>
    L1,

    /// <summary>An entry a silo held in memory.</summary>
    Silo,

    /// <summary>An entry a silo had to load from storage first.</summary>
    Storage,

    /// <summary>A single-flight waiter, answered by another caller's origin call.</summary>
    Coalesced,

    /// <summary>The answer of a similar prompt (semantic match).</summary>
    Semantic,

    /// <summary>An expired answer, served because the origin failed (fail-safe).</summary>
    Stale,
}
