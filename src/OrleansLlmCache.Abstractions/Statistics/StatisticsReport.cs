namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>
/// What one app server saw since its last report: counts and times per namespace, model and outcome, latency
/// histograms (see <see cref="LatencyHistogram"/>), misses per key for warming candidates, and, only from app servers
/// that record them (<c>LlmCache:Client:RecordMissedRequestsForWarming</c>, off by default), the request of keys that
/// missed through the chat middleware, so that a warmer can send it again.
/// </summary>
[GenerateSerializer, Immutable, Alias("llmcache.StatisticsReport")]
public sealed record StatisticsReport(
    [property: Id(0)] IReadOnlyList<StatisticsRow> Rows,
    [property: Id(1)] IReadOnlyList<long> HitHistogram,
    [property: Id(2)] IReadOnlyList<long> MissHistogram,
    [property: Id(3)] IReadOnlyDictionary<string, long> MissesByKey,
    [property: Id(4)] IReadOnlyDictionary<string, string> RequestsByKey);
