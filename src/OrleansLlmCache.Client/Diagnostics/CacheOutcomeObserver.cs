using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Core.Diagnostics;

namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>
/// Where the read path reports each outcome, once: this fans it out to the process's statistics (and their meter), to
/// the per-namespace statistics sent to the cluster, to the operation's span (<see cref="TracingLlmCache"/>), and to the
/// log.
/// </summary>
internal sealed class CacheOutcomeObserver(LlmCacheStatistics statistics, ClusterStatisticsCollector cluster, ILogger<CacheOutcomeObserver> logger)
{
    /// <summary>A request answered from the cache.</summary>
    public void OnHit(CacheKey key, CacheLayer layer, TimeSpan elapsed, CachedResponse response)
    {
        statistics.RecordHit(elapsed, (long)response.PromptTokens + response.CompletionTokens, MeterLayer(layer), key.Namespace, response.Model);
        cluster.RecordHit(key, response.Model, ClusterLayer(layer), elapsed, response.PromptTokens, response.CompletionTokens);
        Tag(ClusterLayer(layer), response.Model);
    }

    /// <summary>A request the cache had no answer for, answered by the origin (whether or not its answer could be stored).</summary>
    public void OnMiss(CacheKey key, TimeSpan elapsed, CachedResponse response, Func<string?>? replayableRequest) =>
        OnMiss(key, elapsed, response.Model, response.PromptTokens, response.CompletionTokens, replayableRequest);

    /// <summary>A miss whose answer the factory declined to store: an origin call like any other, not a failure.</summary>
    public void OnNotStored(CacheKey key, TimeSpan elapsed, UncacheableResponseException declined)
    {
        Log.OriginAnswerNotStored(logger, key.ToGrainKey(), declined.Reason);
        OnMiss(key, elapsed, declined.Model, declined.PromptTokens, declined.CompletionTokens, replayableRequest: null);
    }

    /// <summary>
    /// An origin call that no request waited for came back: an eager refresh, or a call whose caller left at its soft or
    /// hard timeout. Not a request (neither a hit nor a miss), but paid for: counted and priced as a refresh, whether its
    /// answer was stored or turned out to be overtaken or not storable.
    /// </summary>
    public void OnRefreshed(CacheKey key, TimeSpan elapsed, string model, int promptTokens, int completionTokens)
    {
        statistics.RecordRefresh(elapsed, key.Namespace, model);
        cluster.RecordRefresh(key, model, elapsed, promptTokens, completionTokens);
    }

    /// <summary>An eager refresh's origin call failed; the entry lives out its lifetime.</summary>
    public void OnRefreshFailed(CacheKey key, Exception exception) => Log.RefreshFailed(logger, key.ToGrainKey(), exception);

    /// <summary>A caller gave up waiting for the origin at its hard timeout, with no stale answer to take instead.</summary>
    public void OnFactoryTimedOut(CacheKey key, TimeSpan timeout) => Log.FactoryTimedOut(logger, key.ToGrainKey(), timeout);

    /// <summary>The origin call failed: nothing was stored.</summary>
    public void OnOriginFailed(CacheKey key, Exception exception) => Log.OriginFailed(logger, key.ToGrainKey(), exception);

    /// <summary>
    /// A cluster call failed and the request was answered without the cache: one error, one line in the log, with the
    /// stack trace only for a failure of a kind not expected from a cluster in trouble.
    /// </summary>
    public void OnUnavailable(string operation, CacheKey key, Exception exception)
    {
        statistics.RecordError();
        if (LlmCacheActivity.Source.HasListeners())
        {
            LlmCacheActivity.Current?.AddException(exception);
        }

        Log.CacheUnavailable(logger, operation, key.ToGrainKey(), ClusterFailures.Describe(exception), ClusterFailures.IsExpected(exception) ? null : exception);
    }

    /// <summary>The cluster could not be reached and this process's L1 copy answered, marked stale (counted by <see cref="OnHit"/>).</summary>
    public void OnL1ServedStale(CacheKey key) => Log.L1ServedStale(logger, key.ToGrainKey());

    /// <summary>A cluster call failed and the caller is told so by an exception (a write, an invalidation).</summary>
    public void OnError() => statistics.RecordError();

    /// <summary>A call to the semantic verifier's model, priced like any model's and counted as a cost of the cache.</summary>
    public void OnVerified(CacheKey key, string model, TimeSpan elapsed, long inputTokens, long outputTokens) =>
        cluster.RecordVerification(key, model, elapsed, inputTokens, outputTokens);

    /// <summary>A cold cluster's first batched read failed; the lease call decides instead.</summary>
    public void OnBatchedReadFailed(CacheKey key, Exception exception) => Log.BatchedReadFailed(logger, key.ToGrainKey(), exception.Message);

    private void OnMiss(CacheKey key, TimeSpan elapsed, string model, int promptTokens, int completionTokens, Func<string?>? replayableRequest)
    {
        statistics.RecordMiss(elapsed, key.Namespace, model);
        cluster.RecordMiss(key, model, elapsed, promptTokens, completionTokens, replayableRequest);
        Tag(layer: null, model);
    }

    // The span of the operation that is reporting, when someone traces: which layer answered, and the answer's model.
    private static void Tag(string? layer, string model)
    {
        if (LlmCacheActivity.Source.HasListeners() && LlmCacheActivity.Current is { IsAllDataRequested: true } span)
        {
            span.SetTag(LlmCacheActivity.Layer, layer);
            span.SetTag(LlmCacheActivity.ResponseModel, model);
        }
    }

    // The meter tells apart only what costs differently on this process: no call, a cluster call, a semantic lookup.
    private static string MeterLayer(CacheLayer layer) => layer switch
    {
        CacheLayer.L1 => "l1",
        CacheLayer.Semantic => "semantic",
        CacheLayer.Stale => "stale",
        _ => "silo",
    };

    private static string ClusterLayer(CacheLayer layer) => layer switch
    {
        CacheLayer.L1 => "l1",
        CacheLayer.Storage => "storage",
        CacheLayer.Coalesced => "coalesced",
        CacheLayer.Semantic => "semantic",
        CacheLayer.Stale => "stale",
        _ => "silo",
    };
}
