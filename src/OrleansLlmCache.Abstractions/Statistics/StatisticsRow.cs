namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>Counts for one namespace, model and outcome (<c>l1</c>, <c>silo</c>, <c>coalesced</c> hits, or <c>miss</c>).</summary>
[GenerateSerializer, Immutable, Alias("llmcache.StatisticsRow")]
public sealed record StatisticsRow(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string Model,
    [property: Id(2)] string Outcome,
    [property: Id(3)] long Count,
    [property: Id(4)] double TotalMilliseconds,
    [property: Id(5)] long InputTokens,
    [property: Id(6)] long OutputTokens,
    [property: Id(7)] decimal Dollars);
