namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The scale of one comparison run. The full run is the one docs/benchmarks.md reports: a 2 s origin, a 10,000-entry tag; a quick run
/// shrinks them (<c>compare 0.2 1000 - 0.5 600</c>) to check the harness in a minute or two.
/// </summary>
internal sealed record ComparisonSettings(TimeSpan OriginLatency, int TagEntries, double HitSeconds, int MixedRequests)
{
    /// <summary>Entries read by the exact-hit load, per payload size.</summary>
    public int HitEntries { get; init; } = 1000;

    public int[] PayloadSizes { get; init; } = [1024, 16 * 1024];

    public int[] Callers { get; init; } = [1, 16, 64];

    /// <summary>
    /// Times each exact-hit cell is measured; the report keeps the run with the median throughput (on this shared
    /// machine one run of a memory-hit cell moves by 10-20 %).
    /// </summary>
    public int HitRepetitions { get; init; } = 3;

    /// <summary>Concurrent requests for one missing key, split over the two app-server processes.</summary>
    public int StampedeRequests { get; init; } = 1000;

    /// <summary>The mixed workload's popular prompts (Zipf, exponent 1) and its share of first-time prompts.</summary>
    public int MixedKeys { get; init; } = 500;

    public double MixedUniqueShare { get; init; } = 0.15;

    /// <summary>Concurrent callers of the mixed workload on each of the two app servers.</summary>
    public int MixedCallersPerNode { get; init; } = 32;

    /// <summary>How long to poll for stale reads after an invalidation before calling it "not within".</summary>
    public TimeSpan StaleWindow { get; init; } = TimeSpan.FromSeconds(10);
}
