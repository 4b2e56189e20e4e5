namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>Cumulative cluster totals at one moment: a point of the cache page's charts.</summary>
[GenerateSerializer, Immutable, Alias("llmcache.StatisticsSnapshot")]
public sealed record StatisticsSnapshot(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] long Hits,
    [property: Id(2)] long Misses,
    [property: Id(3)] decimal GrossSaved,
    [property: Id(4)] decimal EmbeddingCost,
    [property: Id(5)] decimal WarmingSpent = 0m,
    [property: Id(6)] decimal RefreshSpent = 0m)
{
    /// <summary>Hits divided by requests at that moment.</summary>
    public double HitRate => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    /// <summary>Gross savings less embedding, warming and background-call cost at that moment.</summary>
    public decimal NetSaved => GrossSaved - EmbeddingCost - WarmingSpent - RefreshSpent;
}
