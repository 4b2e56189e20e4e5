namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>A key that keeps missing: worth pre-computing (the article's <c>CacheAnalytics</c>).</summary>
/// <param name="Key">The entry key, <c>{tenant}/{namespace}/{id}</c>.</param>
/// <param name="Misses">How often it missed across the cluster.</param>
/// <param name="Request">
/// The request that missed, in a form that can be sent to the origin again (JSON written by the client library's chat
/// middleware), or <see langword="null"/> when the app server did not record one (recording is off by default:
/// <c>LlmCache:Client:RecordMissedRequestsForWarming</c>) or could not (a direct <c>GetOrCreateAsync</c> with a factory
/// of its own): such a candidate can be listed but not warmed automatically.
/// </param>
[GenerateSerializer, Immutable, Alias("llmcache.WarmingCandidate")]
public sealed record WarmingCandidate(
    [property: Id(0)] string Key,
    [property: Id(1)] long Misses,
    [property: Id(2)] string? Request = null);
