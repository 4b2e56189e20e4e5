namespace OrleansLlmCache.Cli.Demo;

/// <summary>What a demo run measured.</summary>
internal sealed record DemoReport(
    string CacheDescription,
    int Requests,
    int Hits,
    int Coalesced,
    int Misses,
    int? OriginCalls,
    IReadOnlyList<TimeSpan> HitLatencies,
    IReadOnlyList<TimeSpan> MissLatencies,
    IReadOnlyList<ModelSavings> Savings,
    TimeSpan WallTime)
{
    public double HitRate => Requests == 0 ? 0 : (double)(Hits + Coalesced) / Requests;

    public decimal DollarsSaved => Savings.Sum(s => s.DollarsSaved);

    public decimal DollarsSpent => Savings.Sum(s => s.DollarsSpent);

    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> latencies, double percentile)
    {
        if (latencies.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var sorted = latencies.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
