namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>What one contender measured in one run; latencies in microseconds.</summary>
internal sealed record ContenderResult(string Name, string Kind)
{
    /// <summary>Exact hits per payload size and callers; <c>Remote</c> is the share of hits that left the process.</summary>
    public Dictionary<(int Bytes, int Callers), (double P50, double P99, double Throughput, double Remote)> Hits { get; } = [];

    public (int Requests, int OriginCalls, double P50, double P99, TimeSpan Took) Mixed { get; set; }

    public (int OriginCalls, TimeSpan Took) Stampede { get; set; }

    /// <summary>The call's own time, stale reads in the first pass over every entry on both nodes, and when none was served.</summary>
    public (TimeSpan Returned, int StaleFirstPass, int Reads, TimeSpan? Clean) Invalidation { get; set; }

    public (TimeSpan ToReady, TimeSpan ToFirstHit, bool Hit) ColdStart { get; set; }
}
