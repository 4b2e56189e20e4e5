namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>
/// Counts for one tenant, namespace, model and outcome (<c>l1</c>, <c>silo</c>, <c>coalesced</c> hits, or <c>miss</c>).
/// <c>Tenant</c> is <see langword="null"/> in rows reported by versions that did not record it: such rows cannot be
/// attributed to a tenant, so a tenant's view of the statistics leaves them out.
/// </summary>
[GenerateSerializer, Immutable, Alias("llmcache.StatisticsRow")]
public sealed record StatisticsRow(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string Model,
    [property: Id(2)] string Outcome,
    [property: Id(3)] long Count,
    [property: Id(4)] double TotalMilliseconds,
    [property: Id(5)] long InputTokens,
    [property: Id(6)] long OutputTokens,
    [property: Id(7)] decimal Dollars,
    [property: Id(8)] string? Tenant = null);
