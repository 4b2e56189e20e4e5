namespace OrleansLlmCache.Client.Warming;

/// <summary>
/// Marks the requests that cache warming makes, so that statistics do not count them as traffic: an origin call made to
/// warm a key is counted as warming (<see cref="Abstractions.Statistics.ClusterStatistics.WarmOutcome"/>), not as a miss, and a
/// warming request that finds its answer cached is not counted at all. Otherwise every warmed key would lower the hit
/// rate and feed the miss analytics that chose it, and its origin cost would read as the cost of user misses.
/// </summary>
internal static class WarmingScope
{
    private static readonly AsyncLocal<bool> Active = new();

    /// <summary>Whether the calling flow is a warming request.</summary>
    public static bool IsActive => Active.Value;

    /// <summary>
    /// Marks the calling flow, and everything it awaits, as warming until the returned value is disposed (then the mark
    /// is what it was before). Use with <c>using</c>.
    /// </summary>
    public static Mark Enter()
    {
        var previous = Active.Value;
        Active.Value = true;
        return new Mark(previous);
    }

    /// <summary>Puts the mark back as it was when <see cref="Enter"/> was called.</summary>
    public readonly struct Mark(bool previous) : IDisposable
    {
        public void Dispose() => Active.Value = previous;
    }
}
