using System.Diagnostics;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Diagnostics;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The exact get-or-create path of <see cref="GrainLlmCache"/>, tier by tier: L1, the cluster's read, the key's lease,
/// the origin. A hit due for an eager refresh hands the factory to <see cref="EagerRefresh"/> and returns at once.
/// </summary>
internal sealed partial class GrainLlmCache
{
    public async ValueTask<LlmCacheResult> GetOrCreateAsync(
        CacheKey key,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        LlmCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        key.Validate();
        ArgumentNullException.ThrowIfNull(factory);
        if (options is { ForceRefresh: true } or { ReadOnly: true })
        {
            return await GetOrCreateOutsideSingleFlightAsync(key, factory, options, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        var threshold = resolve.RefreshThreshold(key, options);
        if (options is not { SkipL1Read: true } && l1.TryGet(key, threshold, out var refreshDue) is { } local)
        {
            var localElapsed = Stopwatch.GetElapsedTime(started);
            observer.OnHit(key, CacheLayer.L1, localElapsed, local.Response);
            if (refreshDue)
            {
                Refresh(key, threshold, factory, options);
            }

            return new LlmCacheResult(local.Response, LlmCacheSource.Hit, localElapsed) { StoredAt = local.CreatedAt };
        }

        // Resolved past L1 (a hit there needs none of it), and before the cluster is asked: options the caller got wrong
        // are the caller's error, not something to fail open on.
        var write = WriteOptions(key, options);
        var policy = resolve.Origin(key, options);
        var fill = l1.BeginFill(key, options);
        ICacheEntryGrain grain;
        LeaseResult lease;
        long waitStarted;
        try
        {
            // A live entry is read together with other callers' reads (one message per silo); only a miss needs the
            // key's single-flight lease, which costs a second call on a path that is about to wait for the origin.
            if (await reader.ReadBeforeLeaseAsync(key, cancellationToken) is { } found)
            {
                return Hit(key, fill, found, coalesced: false, started, (threshold, factory, options));
            }

            grain = Entry(key);

            // The factory timeouts count from here: the request waits for the origin, its own call or another caller's.
            waitStarted = Stopwatch.GetTimestamp();
            lease = await singleFlight.AcquireAsync(grain, key, write, policy, waitStarted, cancellationToken);
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
        {
            // Fail open (or, where the app server opted in, this process's last copy, marked stale).
            observer.OnUnavailable("get-or-create", key, ex);
            return StaleFromL1(key, options, started) ?? await FromOriginUncachedAsync(factory, started, cancellationToken);
        }

        return lease.Status switch
        {
            LeaseStatus.Hit => Hit(key, fill, lease.Entry!, lease.Coalesced, started, (threshold, factory, options)),

            // The origin failed a moment ago and is not asked again yet, or it is slower than the request's timeout.
            LeaseStatus.Stale => Stale(key, lease.Entry!, started),
            _ => await FromOriginAsync(grain, key, lease, write, policy, fill, factory, options, started, waitStarted, cancellationToken),
        };
    }

    /// <summary>
    /// A forced refresh or a read-only request: reads what it may read, calls the origin on a miss (or always, when
    /// forced), and stores only what it may store. Neither takes the key's lease: a forced refresh must be answered by
    /// its own origin call, not another caller's, and a read-only request would hold a lease it never fills.
    /// </summary>
    private async ValueTask<LlmCacheResult> GetOrCreateOutsideSingleFlightAsync(
        CacheKey key, Func<CancellationToken, ValueTask<CachedResponse>> factory, LlmCacheEntryOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        // Resolved before the origin is asked: options the caller got wrong are the caller's error.
        var write = options.ReadOnly ? null : WriteOptions(key, options);
        if (!options.ForceRefresh)
        {
            if (!options.SkipL1Read && l1.TryGet(key) is { } local)
            {
                var localElapsed = Stopwatch.GetElapsedTime(started);
                observer.OnHit(key, CacheLayer.L1, localElapsed, local.Response);
                return new LlmCacheResult(local.Response, LlmCacheSource.Hit, localElapsed) { StoredAt = local.CreatedAt };
            }

            var fill = l1.BeginFill(key, options);
            try
            {
                if (await reader.ReadAsync(key, cancellationToken) is { } found)
                {
                    fill.Complete(found);
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    observer.OnHit(key, found.LoadedFromStorage ? CacheLayer.Storage : CacheLayer.Silo, elapsed, found.Response);
                    return new LlmCacheResult(found.Response, LlmCacheSource.Hit, elapsed) { StoredAt = found.CreatedAt };
                }
            }
            catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
            {
                observer.OnUnavailable("get-or-create", key, ex);
                return StaleFromL1(key, options, started) ?? await FromOriginUncachedAsync(factory, started, cancellationToken);
            }
        }

        CachedResponse response;
        try
        {
            response = await factory(cancellationToken);
        }
        catch (UncacheableResponseException declined)
        {
            observer.OnNotStored(key, Stopwatch.GetElapsedTime(started), declined);
            throw;
        }

        if (write is not null)
        {
            try
            {
                // The copy this process held is outdated by the write, whatever its outcome.
                var fill = l1.BeginReplace(key);
                var stored = await Entry(key).SetAsync(response, write).AsTask().WaitAsync(WriteTimeout, cancellationToken);
                if (!options.SkipL1Write)
                {
                    fill.Complete(stored);
                }
            }
            catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
            {
                // The answer is good even if it could not be cached.
                observer.OnUnavailable("store", key, ex);
            }
        }

        // Not recorded for warming: warming would store what this request chose not to, or refresh what it just did.
        var missElapsed = Stopwatch.GetElapsedTime(started);
        observer.OnMiss(key, missElapsed, response, replayableRequest: null);
        return new LlmCacheResult(response, LlmCacheSource.Origin, missElapsed);
    }

    // Fail open: the origin answers, and the request counts as an error, not as a miss. A miss says the cache was asked
    // and had nothing; here it could not be asked, and a hit rate must not read an outage as misses.
    private static async ValueTask<LlmCacheResult> FromOriginUncachedAsync(
        Func<CancellationToken, ValueTask<CachedResponse>> factory, long started, CancellationToken cancellationToken)
    {
        var direct = await factory(cancellationToken);
        return new LlmCacheResult(direct, LlmCacheSource.OriginCacheUnavailable, Stopwatch.GetElapsedTime(started));
    }

    // This caller holds the lease: it alone calls the origin for the key.
    private async Task<LlmCacheResult> FromOriginAsync(
        ICacheEntryGrain grain,
        CacheKey key,
        LeaseResult lease,
        EntryWriteOptions write,
        OriginPolicy policy,
        L1Cache.L1Fill fill,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        LlmCacheEntryOptions? options,
        long started,
        long waitStarted,
        CancellationToken cancellationToken)
    {
        CachedResponse response;
        try
        {
            var answer = await singleFlight.CallOriginAsync(grain, key, lease, write, policy, factory, waitStarted, cancellationToken);
            if (answer.Stale is { } stale)
            {
                return Stale(key, stale, started);
            }

            response = answer.Response!;
            if (answer.Stored is { } stored)
            {
                fill.Complete(stored);
            }
        }
        catch (UncacheableResponseException declined)
        {
            // The origin answered; the factory keeps its answer and stores nothing. A miss all the same.
            observer.OnNotStored(key, Stopwatch.GetElapsedTime(started), declined);
            throw;
        }

        var missElapsed = Stopwatch.GetElapsedTime(started);
        observer.OnMiss(key, missElapsed, response, options?.ReplayableRequest);
        return new LlmCacheResult(response, LlmCacheSource.Origin, missElapsed);
    }

    /// <summary>
    /// The cluster cannot be reached: this process's L1 copy of the key, marked stale, when the app server opted in
    /// (<see cref="LlmCacheOptions.L1ServeStaleWhenClusterUnreachable"/>) and it lost contact no longer ago than that.
    /// </summary>
    private LlmCacheResult? StaleFromL1(CacheKey key, LlmCacheEntryOptions? options, long started)
    {
        if (options is { SkipL1Read: true } || l1.TryGetUnverified(key) is not { } copy)
        {
            return null;
        }

        observer.OnL1ServedStale(key);
        return Stale(key, copy, started);
    }

    // An expired answer is never kept in L1: the next request asks the cluster again, which knows whether the origin is back.
    private LlmCacheResult Stale(CacheKey key, CacheEntry entry, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        observer.OnHit(key, CacheLayer.Stale, elapsed, entry.Response);
        return new LlmCacheResult(entry.Response, LlmCacheSource.Stale, elapsed) { StoredAt = entry.CreatedAt };
    }

    // A coalesced answer is brand new: only an entry found as it was can be due for a refresh.
    private LlmCacheResult Hit(
        CacheKey key,
        L1Cache.L1Fill fill,
        CacheEntry entry,
        bool coalesced,
        long started,
        (double Threshold, Func<CancellationToken, ValueTask<CachedResponse>> Factory, LlmCacheEntryOptions? Options) refresh)
    {
        fill.Complete(entry);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var layer = coalesced ? CacheLayer.Coalesced : entry.LoadedFromStorage ? CacheLayer.Storage : CacheLayer.Silo;
        observer.OnHit(key, layer, elapsed, entry.Response);
        if (!coalesced)
        {
            RefreshIfDue(key, entry, refresh.Threshold, refresh.Factory, refresh.Options);
        }

        return new LlmCacheResult(entry.Response, coalesced ? LlmCacheSource.Coalesced : LlmCacheSource.Hit, elapsed) { StoredAt = entry.CreatedAt };
    }

    // The cluster's entry carries its creation and expiry: due by this process's clock, the grain has the last word.
    private void RefreshIfDue(CacheKey key, CacheEntry entry, double threshold, Func<CancellationToken, ValueTask<CachedResponse>> factory, LlmCacheEntryOptions? options)
    {
        if (eagerRefresh.IsDue(entry, threshold))
        {
            Refresh(key, threshold, factory, options);
        }
    }

    private void Refresh(CacheKey key, double threshold, Func<CancellationToken, ValueTask<CachedResponse>> factory, LlmCacheEntryOptions? options) =>
        eagerRefresh.Start(key, threshold, factory, options);
}
