using System.Diagnostics;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Diagnostics;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The key's single-flight lease, held by the entry grain: one caller across the cluster gets the lease and calls the
/// origin, every other caller of the key waits for its answer. A leaseholder that fails or declines to store releases
/// the lease so that a waiter takes over; one that cannot reach the cluster leaves it to expire. A caller whose wait
/// outlasts its soft or hard timeout leaves the origin call to finish in the background (<see cref="OriginCall"/>), and
/// an eager refresh takes the same lease without anybody waiting for it.
/// </summary>
internal sealed class SingleFlight(IOptions<LlmCacheOptions> options, CacheOutcomeObserver observer)
{
    private readonly TimeSpan _waitPerCall = options.Value.SingleFlightWaitPerCall;
    private readonly TimeSpan _timeout = options.Value.OperationTimeout;
    private readonly TimeSpan _throttle = options.Value.FailSafeThrottleDuration;
    private readonly TimeSpan _background = options.Value.BackgroundFactoryTimeout;

    // The grain takes a wait of zero for "as long as you allow": a wait that is due now asks for the shortest instead.
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The entry (a hit, or a waiter's coalesced answer), the lease to call the origin with, or the expired answer when
    /// the caller accepts one (<see cref="OriginPolicy.AcceptStale"/>) and either the origin is throttled after a failure
    /// or the caller's soft or hard timeout, counted from <paramref name="started"/>, passed while it waited for another
    /// caller's origin call. Past the hard timeout without one, throws <see cref="LlmCacheFactoryTimeoutException"/>.
    /// </summary>
    public async Task<LeaseResult> AcquireAsync(
        ICacheEntryGrain grain, CacheKey key, EntryWriteOptions write, OriginPolicy policy, long started, CancellationToken cancellationToken)
    {
        // Each call waits at most SingleFlightWaitPerCall inside the grain, and no longer than the next timeout; "pending"
        // means the leaseholder is still working, so ask again until it finishes, fails or its lease expires.
        var softPending = policy.HasSoftTimeout;
        while (true)
        {
            var wait = _waitPerCall;
            if (softPending)
            {
                wait = Shorter(wait, Left(policy.SoftTimeout!.Value, started));
            }

            if (policy.HardTimeout is { } hard)
            {
                wait = Shorter(wait, Left(hard, started));
            }

            var call = grain.GetOrLeaseAsync(wait, write.Tags, write.Dependencies, policy.AcceptStale, cancellationToken).AsTask();
            LeaseResult result;
            try
            {
                result = await call.WaitAsync(wait + _timeout, cancellationToken);
            }
            catch (Exception) when (!call.IsCompleted)
            {
                // This caller stopped waiting (cancelled, or the call timed out) while the grain may still grant it the
                // lease: a lease nobody holds would make every caller of the key wait until it expires.
                _ = ReleaseIfGrantedAsync(grain, call);
                throw;
            }

            if (result.Status != LeaseStatus.Pending)
            {
                return result;
            }

            if (softPending && Left(policy.SoftTimeout!.Value, started) <= TimeSpan.Zero)
            {
                softPending = false; // asked once: an answer that was not there then is not kept for later
                if (await StaleQuietlyAsync(grain, key, policy.AcceptStale) is { } stale)
                {
                    return new LeaseResult(LeaseStatus.Stale, stale);
                }
            }

            if (policy.HardTimeout is { } due && Left(due, started) <= TimeSpan.Zero)
            {
                return new LeaseResult(LeaseStatus.Stale, await StaleOrTimeoutAsync(grain, key, policy, due, ownCall: false));
            }
        }
    }

    private async Task ReleaseIfGrantedAsync(ICacheEntryGrain grain, Task<LeaseResult> call)
    {
        try
        {
            if (await call is { Status: LeaseStatus.Granted } granted)
            {
                await grain.ReleaseLeaseAsync(granted.LeaseId).AsTask().WaitAsync(_timeout);
            }
        }
        catch (Exception)
        {
            // The call failed (then no lease was granted) or the release did not get through (then the lease expires).
        }
    }

    /// <summary>
    /// Calls the origin as the holder of <paramref name="lease"/> and stores its answer; returns the answer and, when it
    /// was stored, the entry. A factory that fails (or declines to store its answer with
    /// <see cref="UncacheableResponseException"/>) stores nothing and gives up the lease; a failure the caller accepts a
    /// stale answer for (<see cref="OriginPolicy.AcceptStale"/>, <see cref="OriginPolicy.FailSafeWhen"/>) returns the
    /// entry's expired answer when the grain still has one, and is rethrown otherwise. Past the soft timeout (with a stale
    /// answer) or the hard timeout, counted from <paramref name="started"/>, the call is left to finish in the background
    /// under the lease.
    /// </summary>
    public async Task<OriginAnswer> CallOriginAsync(
        ICacheEntryGrain grain,
        CacheKey key,
        LeaseResult lease,
        EntryWriteOptions write,
        OriginPolicy policy,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        long started,
        CancellationToken cancellationToken)
    {
        var call = OriginCall.Start(factory, cancellationToken);
        if (policy.HasSoftTimeout && !await call.SettlesWithinAsync(Left(policy.SoftTimeout!.Value, started))
            && await StaleQuietlyAsync(grain, key, policy.AcceptStale) is { } late)
        {
            LeaveToFinish(call, grain, key, lease, write, policy);
            return new OriginAnswer(null, null, late);
        }

        if (policy.HardTimeout is { } hard && !await call.SettlesWithinAsync(Left(hard, started)))
        {
            LeaveToFinish(call, grain, key, lease, write, policy);
            return new OriginAnswer(null, null, await StaleOrTimeoutAsync(grain, key, policy, hard, ownCall: true));
        }

        CachedResponse response;
        try
        {
            response = await call.Answer;
        }
        catch (Exception ex)
        {
            if (ex is UncacheableResponseException)
            {
                await ReleaseQuietlyAsync(grain, lease.LeaseId, key);
                throw;
            }

            observer.OnOriginFailed(key, ex);
            var callerCancelled = ex is OperationCanceledException && cancellationToken.IsCancellationRequested;
            if (policy.AcceptStale > TimeSpan.Zero && !callerCancelled && (policy.FailSafeWhen?.Invoke(ex) ?? true)
                && await FailSafeQuietlyAsync(grain, lease.LeaseId, key, policy.AcceptStale) is { } stale)
            {
                return new OriginAnswer(null, null, stale);
            }

            await ReleaseQuietlyAsync(grain, lease.LeaseId, key);
            throw;
        }

        try
        {
            // Built against the versions read when the lease was granted: an invalidation since then makes it miss.
            var stored = await grain.CompleteLeaseAsync(lease.LeaseId, response, write with { Versions = lease.Versions })
                .AsTask().WaitAsync(_timeout, CancellationToken.None);
            return new OriginAnswer(response, stored, null);
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, CancellationToken.None))
        {
            // The answer is good even if it could not be cached; the lease expires on its own.
            observer.OnUnavailable("store", key, ex);
            return new OriginAnswer(response, null, null);
        }
    }

    /// <summary>
    /// Eager refresh of a live entry past <paramref name="threshold"/> of its lifetime: takes the key's lease only if
    /// nobody holds it and the grain agrees the entry is due, calls the origin with nobody waiting (bounded by
    /// <see cref="LlmCacheOptions.BackgroundFactoryTimeout"/>), and stores its answer unless a write, a removal or an
    /// invalidation overtook it.
    /// </summary>
    public async Task<RefreshOutcome> RefreshAsync(
        ICacheEntryGrain grain, CacheKey key, EntryWriteOptions write, double threshold, Func<CancellationToken, ValueTask<CachedResponse>> factory)
    {
        LeaseResult? lease;
        try
        {
            lease = await grain.TryLeaseForRefreshAsync(threshold, write.Tags, write.Dependencies).AsTask().WaitAsync(_timeout);
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, CancellationToken.None))
        {
            observer.OnUnavailable("refresh", key, ex);
            return RefreshOutcome.Failed;
        }

        if (lease is null)
        {
            return RefreshOutcome.TurnedAway;
        }

        var call = OriginCall.StartAlone(factory, _background);
        return await FinishAsync(call, grain, key, lease, write, acceptStale: TimeSpan.Zero, refresh: true);
    }

    // The caller has gone: the origin call goes on, keeping the lease, and its answer is stored when it comes.
    private void LeaveToFinish(OriginCall call, ICacheEntryGrain grain, CacheKey key, LeaseResult lease, EntryWriteOptions write, OriginPolicy policy)
    {
        call.LetGo(_background);
        _ = FinishAsync(call, grain, key, lease, write, policy.AcceptStale, refresh: false);
    }

    // Past the hard timeout: the stale answer when the caller accepts one and the grain has it, else the timeout's error.
    private async Task<CacheEntry> StaleOrTimeoutAsync(ICacheEntryGrain grain, CacheKey key, OriginPolicy policy, TimeSpan hard, bool ownCall)
    {
        if (policy.AcceptStale > TimeSpan.Zero && await StaleQuietlyAsync(grain, key, policy.AcceptStale) is { } stale)
        {
            return stale;
        }

        observer.OnFactoryTimedOut(key, hard);
        throw new LlmCacheFactoryTimeoutException(key, hard, ownCall);
    }

    /// <summary>
    /// Waits, with nobody else waiting, for an origin call under <paramref name="lease"/> and stores its answer: as a
    /// refresh (<see cref="ICacheEntryGrain.CompleteRefreshAsync"/>, dropped if overtaken) or as the lease's answer. A
    /// failure gives up the lease (with fail-safe's throttle when the key has a stale answer). Never throws: nobody is
    /// there to catch it. Counted as a refresh whether or not it is stored: an origin call that no request waited for.
    /// </summary>
    private async Task<RefreshOutcome> FinishAsync(OriginCall call, ICacheEntryGrain grain, CacheKey key, LeaseResult lease, EntryWriteOptions write, TimeSpan acceptStale, bool refresh)
    {
        CachedResponse response;
        try
        {
            // The bound again, for a factory that does not heed its cancellation token.
            response = await call.Answer.WaitAsync(Left(_background, call.Elapsed));
        }
        catch (Exception ex)
        {
            if (ex is UncacheableResponseException declined)
            {
                observer.OnRefreshed(key, call.Elapsed, declined.Model, declined.PromptTokens, declined.CompletionTokens);
            }
            else if (refresh)
            {
                observer.OnRefreshFailed(key, ex);
            }
            else
            {
                observer.OnOriginFailed(key, ex);
            }

            if (ex is not UncacheableResponseException && acceptStale > TimeSpan.Zero)
            {
                await FailSafeQuietlyAsync(grain, lease.LeaseId, key, acceptStale);
            }
            else
            {
                await ReleaseQuietlyAsync(grain, lease.LeaseId, key);
            }

            return RefreshOutcome.Failed;
        }

        try
        {
            var built = write with { Versions = lease.Versions };
            var stored = refresh
                ? await grain.CompleteRefreshAsync(lease.LeaseId, response, built).AsTask().WaitAsync(_timeout)
                : await grain.CompleteLeaseAsync(lease.LeaseId, response, built).AsTask().WaitAsync(_timeout);
            observer.OnRefreshed(key, call.Elapsed, response.Model, response.PromptTokens, response.CompletionTokens);
            return stored is null ? RefreshOutcome.Overtaken : RefreshOutcome.Refreshed;
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, CancellationToken.None))
        {
            observer.OnUnavailable("store", key, ex); // the lease expires on its own
            return RefreshOutcome.Failed;
        }
        catch (Exception ex)
        {
            // The store refused the answer (too large, say): as a failed origin call, the lease is given up.
            observer.OnRefreshFailed(key, ex);
            await ReleaseQuietlyAsync(grain, lease.LeaseId, key);
            return RefreshOutcome.Failed;
        }
    }

    // The expired answer a caller past its soft or hard timeout may take; the lease stays with whoever holds it.
    private async Task<CacheEntry?> StaleQuietlyAsync(ICacheEntryGrain grain, CacheKey key, TimeSpan acceptStale)
    {
        try
        {
            return await grain.GetStaleAsync(acceptStale).AsTask().WaitAsync(_timeout);
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, CancellationToken.None))
        {
            observer.OnUnavailable("fail-safe", key, ex);
            return null;
        }
    }

    // The expired answer, if the grain has one to serve; the lease is given up either way (unless the cluster cannot be
    // reached, when it expires on its own and the caller gets the origin's error).
    private async Task<CacheEntry?> FailSafeQuietlyAsync(ICacheEntryGrain grain, Guid leaseId, CacheKey key, TimeSpan acceptStale)
    {
        try
        {
            return await grain.FailSafeAsync(leaseId, acceptStale, _throttle).AsTask().WaitAsync(_timeout);
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, CancellationToken.None))
        {
            observer.OnUnavailable("fail-safe", key, ex);
            return null;
        }
    }

    private async Task ReleaseQuietlyAsync(ICacheEntryGrain grain, Guid leaseId, CacheKey key)
    {
        try
        {
            await grain.ReleaseLeaseAsync(leaseId).AsTask().WaitAsync(_timeout);
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, CancellationToken.None))
        {
            // The lease expires on its own; waiters then take over.
            observer.OnUnavailable("release", key, ex);
        }
    }

    private static TimeSpan Left(TimeSpan timeout, long started) => Left(timeout, Stopwatch.GetElapsedTime(started));

    // Never negative: a wait of -1 ms would be an infinite one.
    private static TimeSpan Left(TimeSpan timeout, TimeSpan elapsed) => timeout > elapsed ? timeout - elapsed : TimeSpan.Zero;

    private static TimeSpan Shorter(TimeSpan wait, TimeSpan left) => left < wait ? (left > ShortestWait ? left : ShortestWait) : wait;

    /// <summary>What the leaseholder's origin call came to: the origin's answer (and the entry, if stored), or a stale one.</summary>
    public readonly record struct OriginAnswer(CachedResponse? Response, CacheEntry? Stored, CacheEntry? Stale);

    /// <summary>What an eager refresh came to.</summary>
    public enum RefreshOutcome
    {
        /// <summary>The origin answered and the new entry was stored.</summary>
        Refreshed,

        /// <summary>The grain turned the refresh away: not due by its clock, or the key's lease is held.</summary>
        TurnedAway,

        /// <summary>The origin answered, but a write, a removal or an invalidation since the grant won: nothing was stored.</summary>
        Overtaken,

        /// <summary>The origin or the cluster failed; the entry lives out its lifetime.</summary>
        Failed,
    }
}
