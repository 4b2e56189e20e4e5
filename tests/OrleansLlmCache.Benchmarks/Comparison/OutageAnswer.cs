namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>What one request of the fail-safe benchmark got; an index into its per-answer counts.</summary>
internal enum OutageAnswer
{
    /// <summary>Its own origin call's answer.</summary>
    Origin,

    /// <summary>A live entry (another request's origin call, stored or coalesced).</summary>
    Hit,

    /// <summary>An answer past its time to live, served because the origin failed.</summary>
    Stale,

    /// <summary>An exception reached the caller.</summary>
    Error,
}
