using Orleans.Concurrency;
using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Abstractions.Entries;

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

    /// <summary>As <see cref="GetAsync"/>, and names the silo holding the entry (for batched reads; see <see cref="IEntryReaderGrain"/>).</summary>
    [Alias("Read"), AlwaysInterleave]
    ValueTask<EntryRead> ReadAsync();

    /// <summary>
    /// Marks the entry as in use, so that the runtime does not collect its activation as idle: hits answered from the
    /// silo's memory by <see cref="IEntryReaderGrain"/> never reach the grain otherwise.
    /// </summary>
    [Alias("Touch"), OneWay, AlwaysInterleave]
    ValueTask TouchAsync();

    /// <summary>
    /// Returns the live entry, or grants the caller the lease to compute it, or (while another caller holds the lease)
    /// waits up to <paramref name="maxWait"/> for that caller's result. A waiter whose leaseholder fails, releases the
    /// lease or lets it expire is woken and may take the lease over. While the origin is throttled after a failure
    /// (<see cref="FailSafeAsync"/>), a caller that accepts answers up to <paramref name="acceptStale"/> past their expiry
    /// gets the expired answer (<see cref="LeaseStatus.Stale"/>) instead of the lease.
    /// </summary>
    /// <remarks>
    /// A granted lease carries the current versions of the entry-to-be's dependency keys (its namespace,
    /// <paramref name="tags"/> and <paramref name="dependencies"/>); completing with them means an invalidation that
    /// happens while the origin computes makes the new entry miss instead of bringing an outdated answer back.
    /// </remarks>
    [Alias("GetOrLease"), AlwaysInterleave]
    ValueTask<LeaseResult> GetOrLeaseAsync(
        TimeSpan maxWait,
        IReadOnlyList<string>? tags = null,
        IReadOnlyList<string>? dependencies = null,
        TimeSpan acceptStale = default,
        CancellationToken cancellationToken = default);

    /// <summary>Stores the response computed under <paramref name="leaseId"/> and wakes every waiter with it.</summary>
    [Alias("CompleteLease")]
    ValueTask<CacheEntry> CompleteLeaseAsync(Guid leaseId, CachedResponse response, EntryWriteOptions options);

    /// <summary>Gives up the lease without a result (the origin failed or the caller was cancelled); waiters may take over.</summary>
    [Alias("ReleaseLease")]
    ValueTask ReleaseLeaseAsync(Guid leaseId);

    /// <summary>
    /// The holder of <paramref name="leaseId"/> could not get an answer from the origin: gives up the lease and returns
    /// the entry's last answer when it expired at most <paramref name="acceptStale"/> ago, was kept for fail-safe
    /// (<see cref="EntryWriteOptions.FailSafe"/>) and is still current (never one that was invalidated or removed). Then,
    /// for <paramref name="throttle"/>, callers that accept stale answers get it without calling the origin. Returns
    /// <see langword="null"/> (and still gives up the lease) when there is no such answer.
    /// </summary>
    [Alias("FailSafe")]
    ValueTask<CacheEntry?> FailSafeAsync(Guid leaseId, TimeSpan acceptStale, TimeSpan throttle);

    /// <summary>
    /// The expired answer, when it expired at most <paramref name="acceptStale"/> ago, was kept for fail-safe and is still
    /// current; <see langword="null"/> otherwise. For a caller whose origin call (its own or the one it waits for) has
    /// outlasted its soft timeout: it changes nothing, and the lease stays with whoever holds it.
    /// </summary>
    [Alias("GetStale"), AlwaysInterleave]
    ValueTask<CacheEntry?> GetStaleAsync(TimeSpan acceptStale);

    /// <summary>
    /// Eager refresh: grants the lease to recompute the entry ahead of its expiry, only if the entry is live, has lived at
    /// least <paramref name="threshold"/> (a share between 0 and 1) of its lifetime, nobody holds the key's lease and the
    /// origin is not throttled after a failure. Returns <see langword="null"/> otherwise, at once: a refresh never waits.
    /// The granted lease carries the entry being refreshed and the versions to build the new one against, as
    /// <see cref="GetOrLeaseAsync"/>'s does; complete it with <see cref="CompleteRefreshAsync"/> or give it up with
    /// <see cref="ReleaseLeaseAsync"/>. While it is held, readers keep getting the live entry.
    /// </summary>
    [Alias("TryLeaseForRefresh"), AlwaysInterleave]
    ValueTask<LeaseResult?> TryLeaseForRefreshAsync(double threshold, IReadOnlyList<string>? tags = null, IReadOnlyList<string>? dependencies = null);

    /// <summary>
    /// Stores the refreshed response computed under <paramref name="leaseId"/>, unless the refresh was overtaken: the
    /// lease is no longer held (a write or a removal since took it away, or it expired and another caller took over), or
    /// a version the refresh was built against (<see cref="EntryWriteOptions.Versions"/>) was invalidated since. Then
    /// nothing is stored and <see langword="null"/> is returned; the lease is given up either way.
    /// </summary>
    [Alias("CompleteRefresh")]
    ValueTask<CacheEntry?> CompleteRefreshAsync(Guid leaseId, CachedResponse response, EntryWriteOptions options);

    /// <summary>Stores <paramref name="response"/>, replacing any entry (and evicting copies of the old one everywhere).</summary>
    [Alias("Set")]
    ValueTask<CacheEntry> SetAsync(CachedResponse response, EntryWriteOptions options);

    /// <summary>Removes the entry (and copies of it everywhere); returns whether a live one was there.</summary>
    [Alias("Remove")]
    ValueTask<bool> RemoveAsync();

    /// <summary>Removes the entry from storage if it was built against a version of <paramref name="dependencyKey"/> older than <paramref name="version"/>.</summary>
    [Alias("RemoveIfStale")]
    ValueTask<bool> RemoveIfStaleAsync(string dependencyKey, long version);
}
