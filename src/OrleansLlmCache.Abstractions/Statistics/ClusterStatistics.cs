namespace OrleansLlmCache.Statistics;

/// <summary>Statistics aggregated over every app server since the statistics grain was created.</summary>
[GenerateSerializer, Immutable, Alias("llmcache.ClusterStatistics")]
public sealed record ClusterStatistics(
    [property: Id(0)] IReadOnlyList<StatisticsRow> Rows,
    [property: Id(1)] IReadOnlyList<long> HitHistogram,
    [property: Id(2)] IReadOnlyList<long> MissHistogram,
    [property: Id(3)] DateTimeOffset Since);
