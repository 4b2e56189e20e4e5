using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Diagnostics;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The key's single-flight lease, held by the entry grain: one caller across the cluster gets the lease and calls the
/// origin, every other caller of the key waits for its answer. A leaseholder that fails or declines to store releases
/// the lease so that a waiter takes over; one that cannot reach the cluster leaves it to expire.
/// </summary>
internal sealed class SingleFlight(IOptions<LlmCacheOptions> options, CacheOutcomeObserver observer)
{
    private readonly TimeSpan _waitPerCall = options.Value.SingleFlightWaitPerCall;
    private readonly TimeSpan _timeout = options.Value.OperationTimeout;

    private readonly TimeSpan _throttle = options.Value.FailSafeThrottleDuration;

    /// <summary>
    /// The entry (a hit, or a waiter's coalesced answer), the lease to call the origin with, or, while the origin is
    /// throttled after a failure, the expired answer when the caller accepts one <paramref name="acceptStale"/> old.
    /// </summary>
    public async Task<LeaseResult> AcquireAsync(ICacheEntryGrain grain, EntryWriteOptions write, TimeSpan acceptStale, CancellationToken cancellationToken)
    {
        // Each call waits at most SingleFlightWaitPerCall inside the grain; "pending" means the leaseholder is still
        // working, so ask again until it finishes, fails or its lease expires.
        var callTimeout = _waitPerCall + _timeout;
        while (true)
        {
            var call = grain.GetOrLeaseAsync(_waitPerCall, write.Tags, write.Dependencies, acceptStale, cancellationToken).AsTask();
            LeaseResult result;
            try
            {
                result = await call.WaitAsync(callTimeout, cancellationToken);
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
    /// stale answer for (<paramref name="acceptStale"/>, <paramref name="failSafeWhen"/>) returns the entry's expired
    /// answer when the grain still has one, and is rethrown otherwise.
    /// </summary>
    public async Task<OriginAnswer> CallOriginAsync(
        ICacheEntryGrain grain,
        CacheKey key,
        LeaseResult lease,
        EntryWriteOptions write,
        TimeSpan acceptStale,
        Func<Exception, bool>? failSafeWhen,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        CancellationToken cancellationToken)
    {
        CachedResponse response;
        try
        {
            response = await factory(cancellationToken);
            response.Validate();
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
            if (acceptStale > TimeSpan.Zero && !callerCancelled && (failSafeWhen?.Invoke(ex) ?? true)
                && await FailSafeQuietlyAsync(grain, lease.LeaseId, key, acceptStale) is { } stale)
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

    /// <summary>What the leaseholder's origin call came to: the origin's answer (and the entry, if stored), or a stale one.</summary>
    public readonly record struct OriginAnswer(CachedResponse? Response, CacheEntry? Stored, CacheEntry? Stale);
}
