using OrleansLlmCache.Abstractions.Statistics;

namespace OrleansLlmCache.Grains.Statistics;

/// <summary>The persisted cluster statistics.</summary>
[GenerateSerializer, Alias("llmcache.CacheStatisticsState")]
public sealed class CacheStatisticsState
{
    /// <summary>Aggregated rows keyed by tenant (when the row has one), namespace, model and outcome.</summary>
    [Id(0)] public Dictionary<string, StatisticsRow> Rows { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Summed hit latency histogram.</summary>
    [Id(1)] public long[] HitHistogram { get; set; } = new long[LatencyHistogram.Buckets];

    /// <summary>Summed miss latency histogram.</summary>
    [Id(2)] public long[] MissHistogram { get; set; } = new long[LatencyHistogram.Buckets];

    /// <summary>Misses per key (bounded: the least missed are dropped first).</summary>
    [Id(3)] public Dictionary<string, long> MissesByKey { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When counting began.</summary>
    [Id(4)] public DateTimeOffset Since { get; set; }

    /// <summary>Embedding work and its cost per namespace.</summary>
    [Id(5)] public Dictionary<string, EmbeddingUsageRow> Embedding { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Cumulative totals, one per history interval, oldest first (bounded by <see cref="SiloStatisticsOptions.HistoryLength"/>).</summary>
    [Id(6)] public List<StatisticsSnapshot> History { get; set; } = [];

    /// <summary>
    /// The replayable request of tracked candidates, by key (bounded: only keys still in <see cref="MissesByKey"/>, and
    /// at most a thousand, the most missed).
    /// </summary>
    [Id(7)] public Dictionary<string, string> WarmingRequests { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Feedback on semantic hits, keyed by tenant and namespace.</summary>
    [Id(8)] public Dictionary<string, SemanticFeedbackRow> SemanticFeedback { get; set; } = new(StringComparer.Ordinal);
}
