namespace OrleansLlmCache.Client.Warming;

/// <summary>
/// Marks the requests that cache warming makes, so that statistics do not count them as traffic: an origin call made to
/// warm a key is counted as warming (<see cref="Statistics.ClusterStatistics.WarmOutcome"/>), not as a miss, and a
/// warming request that finds its answer cached is not counted at all. Otherwise every warmed key would lower the hit
/// rate and feed the miss analytics that chose it, and its origin cost would read as the cost of user misses.
/// </summary>
internal static class WarmingScope
{
    private static readonly AsyncLocal<bool> Active = new();

    /// <summary>Whether the calling flow is a warming request.</summary>
    public static bool IsActive => Active.Value;

    /// <summary>
    /// Marks the rest of the calling async method, and everything it awaits, as warming. The mark does not leak to the
    /// method's caller: an async method's changes to an <see cref="AsyncLocal{T}"/> are undone when it returns.
    /// </summary>
    public static void Enter() => Active.Value = true;
}
