namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>What one contender measured in one run; latencies in microseconds.</summary>
internal sealed record ContenderResult(string Name, string Kind)
{
    /// <summary>
    /// Exact hits per payload size and callers: <c>Remote</c> is the share of hits that left the process, <c>Bytes</c>
    /// what the app server allocated per hit, <c>Collections</c> its gen-0 collections during the measurement,
    /// <c>CpuNanos</c> the app-server process's CPU time per hit, <c>OtherCores</c> how many cores every other process
    /// on the machine kept busy meanwhile.
    /// </summary>
    public Dictionary<(int Size, int Callers), (double P50, double P99, double Throughput, double Remote, double Bytes, int Collections, double CpuNanos, double OtherCores)> Hits { get; } = [];

    /// <summary>
    /// OrleansLlmCache with L1 only: each exact-hit cell measured again alternately with the Redis-backed design's (see
    /// <see cref="PairedArticleDesign"/>), one entry per pair: this contender's throughput and CPU time per hit divided by the
    /// Redis-backed design's in the same pair.
    /// </summary>
    public Dictionary<(int Size, int Callers), List<(double Throughput, double Cpu)>> Paired { get; } = [];

    public (int Requests, int OriginCalls, double P50, double P99, TimeSpan Took) Mixed { get; set; }

    public (int OriginCalls, TimeSpan Took) Stampede { get; set; }

    /// <summary>The call's own time, stale reads in the first pass over every entry on both nodes, and when none was served.</summary>
    public (TimeSpan Returned, int StaleFirstPass, int Reads, TimeSpan? Clean) Invalidation { get; set; }

    public (TimeSpan ToReady, TimeSpan ToFirstHit, bool Hit) ColdStart { get; set; }
}
