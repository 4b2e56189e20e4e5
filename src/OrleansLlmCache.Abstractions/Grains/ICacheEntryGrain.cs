using Orleans.Concurrency;
using OrleansLlmCache.Model;

namespace OrleansLlmCache.Grains;

/// <summary>
/// One cached response, keyed <c>{tenant}/{namespace}/{id}</c> (see <see cref="Keys.CacheKey.ToGrainKey"/>).
/// It also owns the single-flight lease for its key: while one caller computes a missing response, every other caller
/// of <see cref="GetOrLeaseAsync"/> waits for that result instead of calling the origin too.
/// </summary>
[Alias("llmcache.ICacheEntryGrain")]
public interface ICacheEntryGrain : IGrainWithStringKey
{
    /// <summary>The live entry, or <see langword="null"/> when there is none or it has expired.</summary>
    [Alias("Get"), AlwaysInterleave]
    ValueTask<CacheEntry?> GetAsync();

    /// <summary>
    /// Returns the live entry, or grants the caller the lease to compute it, or (while another caller holds the lease)
    /// waits up to <paramref name="maxWait"/> for that caller's result. A waiter whose leaseholder fails, releases the
    /// lease or lets it expire is woken and may take the lease over.
    /// </summary>
    [Alias("GetOrLease"), AlwaysInterleave]
    ValueTask<LeaseResult> GetOrLeaseAsync(TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>Stores the response computed under <paramref name="leaseId"/> and wakes every waiter with it.</summary>
    [Alias("CompleteLease")]
    ValueTask<CacheEntry> CompleteLeaseAsync(Guid leaseId, CachedResponse response, TimeSpan? timeToLive);

    /// <summary>Gives up the lease without a result (the origin failed or the caller was cancelled); waiters may take over.</summary>
    [Alias("ReleaseLease")]
    ValueTask ReleaseLeaseAsync(Guid leaseId);

    /// <summary>Stores <paramref name="response"/>, replacing any entry; <paramref name="timeToLive"/> <see langword="null"/> means no expiry.</summary>
    [Alias("Set")]
    ValueTask<CacheEntry> SetAsync(CachedResponse response, TimeSpan? timeToLive);

    /// <summary>Removes the entry; returns whether a live one was there.</summary>
    [Alias("Remove")]
    ValueTask<bool> RemoveAsync();
}
