namespace OrleansLlmCache.Statistics;

/// <summary>A key that keeps missing: worth pre-computing (the seed's <c>CacheAnalytics</c>).</summary>
[GenerateSerializer, Immutable, Alias("llmcache.WarmingCandidate")]
public sealed record WarmingCandidate(
    [property: Id(0)] string Key,
    [property: Id(1)] long Misses);
