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

    /// <summary>The entry (a hit, or a waiter's coalesced answer) or the lease to call the origin with.</summary>
    public async Task<LeaseResult> AcquireAsync(ICacheEntryGrain grain, EntryWriteOptions write, CancellationToken cancellationToken)
    {
        // Each call waits at most SingleFlightWaitPerCall inside the grain; "pending" means the leaseholder is still
        // working, so ask again until it finishes, fails or its lease expires.
        var callTimeout = _waitPerCall + _timeout;
        while (true)
        {
            var result = await grain.GetOrLeaseAsync(_waitPerCall, write.Tags, write.Dependencies, cancellationToken)
                .AsTask().WaitAsync(callTimeout, cancellationToken);
            if (result.Status != LeaseStatus.Pending)
            {
                return result;
            }
        }
    }

    /// <summary>
    /// Calls the origin as the holder of <paramref name="lease"/> and stores its answer; returns the answer and, when it
    /// was stored, the entry. A factory that fails (or declines to store its answer with
    /// <see cref="UncacheableResponseException"/>) stores nothing, releases the lease and rethrows.
    /// </summary>
    public async Task<(CachedResponse Response, CacheEntry? Stored)> CallOriginAsync(
        ICacheEntryGrain grain,
        CacheKey key,
        LeaseResult lease,
        EntryWriteOptions write,
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
            if (ex is not UncacheableResponseException)
            {
                observer.OnOriginFailed(key, ex);
            }

            await ReleaseQuietlyAsync(grain, lease.LeaseId, key);
            throw;
        }

        try
        {
            // Built against the versions read when the lease was granted: an invalidation since then makes it miss.
            var stored = await grain.CompleteLeaseAsync(lease.LeaseId, response, write with { Versions = lease.Versions })
                .AsTask().WaitAsync(_timeout, CancellationToken.None);
            return (response, stored);
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, CancellationToken.None))
        {
            // The answer is good even if it could not be cached; the lease expires on its own.
            observer.OnUnavailable("store", key, ex);
            return (response, null);
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
}
