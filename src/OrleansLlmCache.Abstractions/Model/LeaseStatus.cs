namespace OrleansLlmCache.Abstractions.Model;

/// <summary>What an entry grain answered to a get-or-lease call.</summary>
[GenerateSerializer, Alias("llmcache.LeaseStatus")]
public enum LeaseStatus
{
    /// <summary>The entry is live; <see cref="LeaseResult.Entry"/> holds it.</summary>
    Hit = 0,

    /// <summary>No entry and nobody computing it: the caller holds the lease and must complete or release it.</summary>
    Granted = 1,

    /// <summary>Another caller holds the lease and has not finished within the wait; ask again.</summary>
    Pending = 2,

    /// <summary>
    /// The origin failed for this key a moment ago (<see cref="Entries.ICacheEntryGrain.FailSafeAsync"/>) and is not
    /// asked again until the throttle passes: <see cref="LeaseResult.Entry"/> holds the expired answer, served stale.
    /// </summary>
    Stale = 3,
}
