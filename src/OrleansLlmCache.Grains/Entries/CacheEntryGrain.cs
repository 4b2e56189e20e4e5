using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Grains.Hosting;
using OrleansLlmCache.Grains.Invalidation;
using OrleansLlmCache.Grains.Storage;

namespace OrleansLlmCache.Grains.Entries;

/// <summary>
/// Holds one response and the single-flight lease of its key. Writes are turn-based (one at a time); reads and waits
/// interleave so that waiters never block the leaseholder's completion. An entry is served only while it has not
/// expired and every dependency version it was built against is still current (checked against this silo's copy of
/// the versions, so a hit costs no extra round trip). Reads, its own and the silo's batched ones, answer from the
/// <see cref="EntrySnapshot"/> it publishes once a write is durable or a removal done.
/// </summary>
// An Orleans client sends every call for a grain through one gateway (its grain-to-gateway buckets), so activating the
// entry on the silo whose gateway first receives a call makes later hits from that app server one hop instead of two
// (gateway, then the silo holding the activation). Gateways are picked round-robin per bucket, which spreads entries
// across silos; a silo that dies takes only its activations with it, and they reactivate from storage wherever the
// next call lands.
[Orleans.Placement.PreferLocalPlacement]
internal sealed partial class CacheEntryGrain(
    [PersistentState("llm-entry", LlmCacheStorage.Name)] IPersistentState<CacheEntryState> state,
    [FromKeyedServices(LlmCacheTime.ServiceKey)] TimeProvider time,
    DependencyVersionTable versions,
    IGrainFactory grains,
    SiloEntryIndex index,
    NamespaceRegistrations namespaces,
    ILocalSiloDetails silo,
    Diagnostics.SiloCacheMetrics metrics,
    IOptions<CacheEntryGrainOptions> options,
    ILogger<CacheEntryGrain> logger,
    INamespaceEntryStore? namespaceEntries = null) : Grain, ICacheEntryGrain
{
    private readonly CacheEntryGrainOptions _options = options.Value;

    // The entry as every reader sees it, this activation's own reads included: a snapshot of the state, published anew
    // after each change, with the hits counted on it since (by this activation and by the silo's batched reads). The
    // state itself is only for storage.
    private readonly HeldEntry _held = new();
    private Lease? _lease;

    // After a failed origin call that was answered stale: until then, callers that accept stale answers get the
    // expired one instead of a lease, so a dead origin is not asked again by every caller of the key.
    private DateTimeOffset _originThrottledUntil;

    private bool _indexed;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _held.Publish(EntrySnapshot.Of(state.State, loadedFromStorage: state.RecordExists));
        return Task.CompletedTask;
    }

    // Into the silo's index from the first call on: a grain call runs only on a valid activation, and the runtime calls
    // OnDeactivateAsync (which takes it out again) for every activation that became valid. Added in OnActivateAsync,
    // an activation whose deactivation began before it became valid would stay in the index for good.
    private void EnsureIndexed()
    {
        if (!_indexed)
        {
            _indexed = true;
            index.Add(GrainKey, _held);
        }
    }

    public ValueTask TouchAsync() => ValueTask.CompletedTask; // the call itself is what keeps the activation

    private string GrainKey => this.GetPrimaryKeyString();

    public ValueTask<CacheEntry?> GetAsync() => TryServeAsync();

    public async ValueTask<EntryRead> ReadAsync() => new(await TryServeAsync(), silo.SiloAddress);

    public async ValueTask<LeaseResult> GetOrLeaseAsync(
        TimeSpan maxWait, IReadOnlyList<string>? tags, IReadOnlyList<string>? dependencies, TimeSpan acceptStale, CancellationToken cancellationToken)
    {
        var wait = maxWait <= TimeSpan.Zero || maxWait > _options.MaxWaitPerCall ? _options.MaxWaitPerCall : maxWait;
        var deadline = time.GetUtcNow() + wait;
        var waited = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await TryServeAsync() is { } entry)
            {
                return new LeaseResult(LeaseStatus.Hit, entry, Coalesced: waited);
            }

            var now = time.GetUtcNow();
            if (acceptStale > TimeSpan.Zero && now < _originThrottledUntil && await TryServeStaleAsync(acceptStale) is { } stale)
            {
                return new LeaseResult(LeaseStatus.Stale, stale);
            }

            if (_lease is null || _lease.ExpiresAt <= now)
            {
                var lease = TakeLease(forRefresh: false);

                // The versions the computation starts from: an invalidation from here on makes its result miss.
                var snapshot = await versions.SnapshotAsync(DependencyKey.Of(CacheKey.Parse(GrainKey), tags, dependencies));
                return new LeaseResult(LeaseStatus.Granted, LeaseId: lease.Id, Versions: snapshot);
            }

            if (now >= deadline)
            {
                return new LeaseResult(LeaseStatus.Pending);
            }

            // Wake on the leaseholder's completion or release, on the lease's expiry, or at this call's deadline.
            var current = _lease;
            var until = current.ExpiresAt < deadline ? current.ExpiresAt : deadline;
            waited = true;
            metrics.LeaseWait();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(until - now, time, timeout.Token);
            await Task.WhenAny(current.Done, delay);
            await timeout.CancelAsync();
        }
    }

    public async ValueTask<CacheEntry> CompleteLeaseAsync(Guid leaseId, CachedResponse response, EntryWriteOptions options)
    {
        // The response is stored even if the lease has meanwhile expired: it is a valid answer for this key, and the
        // versions it carries decide whether an invalidation since overtook it.
        var entry = await StoreAsync(response, options);
        if (_lease is { } lease && lease.Id == leaseId)
        {
            _lease = null;
            lease.Signal();
        }

        return entry;
    }

    public async ValueTask<CacheEntry?> FailSafeAsync(Guid leaseId, TimeSpan acceptStale, TimeSpan throttle)
    {
        // The throttle is set before the waiters are woken: those that accept stale answers then take this one too.
        var stale = acceptStale > TimeSpan.Zero ? await TryServeStaleAsync(acceptStale) : null;
        if (stale is not null && throttle > TimeSpan.Zero)
        {
            var until = time.GetUtcNow() + throttle;
            _originThrottledUntil = until > _originThrottledUntil ? until : _originThrottledUntil;
        }

        await ReleaseLeaseAsync(leaseId);
        return stale;
    }

    public ValueTask ReleaseLeaseAsync(Guid leaseId)
    {
        if (_lease is { } lease && lease.Id == leaseId)
        {
            _lease = null;
            lease.Signal();
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask<CacheEntry?> GetStaleAsync(TimeSpan acceptStale) =>
        acceptStale > TimeSpan.Zero ? await TryServeStaleAsync(acceptStale) : null;

    public async ValueTask<LeaseResult?> TryLeaseForRefreshAsync(double threshold, IReadOnlyList<string>? tags, IReadOnlyList<string>? dependencies)
    {
        var snapshot = _held.Snapshot;
        if (!IsRefreshable(snapshot, threshold) || !await IsLiveAsync(snapshot))
        {
            return null;
        }

        // Checked again after the await: calls interleave, and another refresh or a miss may have taken the lease since.
        if (!IsRefreshable(snapshot, threshold) || !ReferenceEquals(snapshot, _held.Snapshot))
        {
            return null;
        }

        var lease = TakeLease(forRefresh: true);
        var built = await versions.SnapshotAsync(DependencyKey.Of(CacheKey.Parse(GrainKey), tags, dependencies));
        return new LeaseResult(LeaseStatus.Granted, snapshot.Entry, lease.Id, Versions: built);
    }

    public async ValueTask<CacheEntry?> CompleteRefreshAsync(Guid leaseId, CachedResponse response, EntryWriteOptions options)
    {
        // A refresh answers nobody waiting: once overtaken it is dropped rather than written. A direct write or a removal
        // took its lease away (their outcome stands); an invalidation since its grant would make it miss anyway, and
        // writing it would only leave a row behind that the invalidation's clean-up has already passed.
        if (_lease?.Id != leaseId)
        {
            return null;
        }

        if (options.Versions is { } builtAgainst && !await versions.IsCurrentAsync(builtAgainst))
        {
            await ReleaseLeaseAsync(leaseId);
            return null;
        }

        // Writes do not interleave with this call, so nothing has taken the lease since the check.
        return await CompleteLeaseAsync(leaseId, response, options);
    }

    public async ValueTask<CacheEntry> SetAsync(CachedResponse response, EntryWriteOptions options)
    {
        var entry = await StoreAsync(response, options);

        // A direct write also answers anybody waiting on a lease for this key.
        _lease?.Signal();
        _lease = null;
        return entry;
    }

    public async ValueTask<bool> RemoveAsync()
    {
        var wasLive = await IsLiveAsync(_held.Snapshot);
        var memberships = state.State.Versions.Keys.ToList();

        // A refresh under way would bring the removed answer's successor back: it loses its lease, and with it its write.
        // A miss's leaseholder keeps its lease: callers wait for its answer, which is new.
        if (_lease is { ForRefresh: true } refreshing)
        {
            _lease = null;
            refreshing.Signal();
        }

        await ClearAsync();
        await UnregisterAsync(memberships);
        if (wasLive)
        {
            await EvictCopiesAsync();
        }

        return wasLive;
    }

    public async ValueTask<bool> RemoveIfStaleAsync(string dependencyKey, long version)
    {
        if (!state.State.Versions.TryGetValue(dependencyKey, out var builtAgainst) || builtAgainst >= version)
        {
            return false;
        }

        var memberships = state.State.Versions.Keys.Where(k => k != dependencyKey).ToList();
        await ClearAsync();
        await UnregisterAsync(memberships);
        return true;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // First of all: once this activation is gone another may take writes for the key, and the index must not
        // answer from this one's snapshot by then.
        index.Remove(GrainKey, _held);
        _lease?.Signal();

        // At silo shutdown the storage may already be gone (memory storage is itself made of grains); hit counts are
        // statistics and not worth a failing write then.
        var (snapshot, unsaved) = _held.Current;
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown && unsaved > 0 && snapshot.Entry is { } entry)
        {
            try
            {
                // Only for an entry still served: the row of an expired or outdated one may be gone already (the expiry
                // sweep, or the storage's removal of an invalidated namespace), and this write would bring it back.
                if (await IsLiveAsync(snapshot))
                {
                    state.State.HitCount = entry.HitCount + unsaved;
                    await state.WriteStateAsync(cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Hit counts are statistics: losing some at shutdown must never lose the entry itself.
                Log.HitCountNotSaved(logger, ex, GrainKey);
            }
        }
    }

    // A new lease in place of none or an expired one (whose waiters are woken: one of them may take this one's place).
    private Lease TakeLease(bool forRefresh)
    {
        if (_lease is { } expired)
        {
            Log.LeaseExpired(logger, GrainKey, expired.Id);
            expired.Signal();
        }

        var now = time.GetUtcNow();
        return _lease = new Lease(Guid.NewGuid(), now + _options.LeaseDuration, forRefresh);
    }

    // Due for an eager refresh by the clock, with nobody computing the key and the origin not throttled; liveness (the
    // versions) is the caller's to check.
    private bool IsRefreshable(EntrySnapshot snapshot, double threshold)
    {
        var now = time.GetUtcNow();
        return (_lease is null || _lease.ExpiresAt <= now) && now >= _originThrottledUntil && snapshot.IsRefreshDue(now, threshold);
    }

    // The same checks as the silo's index, on the same snapshot, and the versions asked of the cluster when this silo
    // cannot vouch for them alone.
    private async ValueTask<CacheEntry?> TryServeAsync()
    {
        EnsureIndexed();
        while (true)
        {
            var snapshot = _held.Snapshot;
            if (snapshot.Entry is null || snapshot.IsExpired(time.GetUtcNow()))
            {
                metrics.Lookup(snapshot.Entry is null ? "miss" : "expired");
                return null;
            }

            if (!await IsCurrentAsync(snapshot.Entry))
            {
                metrics.Lookup("outdated");
                return null; // built against a version that has since been invalidated
            }

            // Null when a write published another snapshot while the versions were asked for: that one is checked next.
            if (_held.Serve(snapshot) is { } entry)
            {
                metrics.Lookup(entry.LoadedFromStorage ? "hit-storage" : "hit");
                return entry;
            }
        }
    }

    // Stale means expired and nothing else: an entry that was removed, invalidated or built against an outdated version
    // is never served, fail-safe or not.
    private async ValueTask<CacheEntry?> TryServeStaleAsync(TimeSpan acceptStale)
    {
        var snapshot = _held.Snapshot;
        if (!snapshot.IsServableStale(time.GetUtcNow(), acceptStale) || !await IsCurrentAsync(snapshot.Entry!))
        {
            return null;
        }

        metrics.Lookup("stale");
        return snapshot.Entry;
    }

    private async ValueTask<bool> IsLiveAsync(EntrySnapshot snapshot) =>
        snapshot.Entry is { } entry && !snapshot.IsExpired(time.GetUtcNow()) && await IsCurrentAsync(entry);

    private ValueTask<bool> IsCurrentAsync(CacheEntry entry) =>
        versions.IsCurrentLocally(entry.Versions) ? ValueTask.FromResult(true) : versions.IsCurrentAsync(entry.Versions);

    private async ValueTask<CacheEntry> StoreAsync(CachedResponse response, EntryWriteOptions options)
    {
        EnsureIndexed();
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(options);
        response.Validate();
        options.Validate();

        var key = CacheKey.Parse(GrainKey);
        var tags = options.Tags?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        var dependencies = options.Dependencies?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        var dependencyKeys = DependencyKey.Of(key, tags, dependencies);

        // Versions from when the computation began, where the caller has them; the current ones otherwise.
        var current = await versions.SnapshotAsync(dependencyKeys.Where(k => options.Versions?.ContainsKey(k) != true));
        var builtAgainst = dependencyKeys.ToDictionary(k => k, k => options.Versions?.TryGetValue(k, out var v) == true ? v : current[k], StringComparer.Ordinal);

        var wasLive = await IsLiveAsync(_held.Snapshot);
        var previousMemberships = state.State.Versions.Keys.ToList();
        var now = time.GetUtcNow();
        var previous = state.State;
        state.State = new CacheEntryState
        {
            Response = response,
            CreatedAt = now,
            ExpiresAt = now + options.TimeToLive,
            StaleUntil = options is { TimeToLive: { } ttl, FailSafe: { } failSafe } && failSafe > TimeSpan.Zero ? now + ttl + failSafe : null,
            HitCount = 0,
            Tags = tags,
            Dependencies = dependencies,
            Versions = builtAgainst,
        };

        try
        {
            // Readers interleave with this write and are answered from the previous snapshot until it is durable.
            await state.WriteStateAsync();
        }
        catch
        {
            // Storage still holds the previous entry, and readers never saw another: the state goes back to it.
            state.State = previous;
            throw;
        }

        var published = EntrySnapshot.Of(state.State, loadedFromStorage: false);
        _held.Publish(published);
        _originThrottledUntil = default; // the origin answered: the next expiry asks it again
        metrics.Write();
        await RegisterAsync(key, dependencyKeys, state.State.StaleUntil ?? state.State.ExpiresAt);
        await UnregisterAsync(previousMemberships.Except(dependencyKeys, StringComparer.Ordinal).ToList());
        if (wasLive)
        {
            await EvictCopiesAsync(); // app servers may hold the old answer in L1
        }

        return published.Entry!;
    }

    private async Task RegisterAsync(CacheKey key, List<string> dependencyKeys, DateTimeOffset? expiresAt)
    {
        await Task.WhenAll(WithMembership(dependencyKeys).Select(k => Membership.ShardFor(grains, k, GrainKey).AddAsync(GrainKey, expiresAt)));
        await namespaces.EnsureAsync(key.Tenant, key.Namespace);
    }

    private Task UnregisterAsync(List<string> dependencyKeys) =>
        Task.WhenAll(WithMembership(dependencyKeys).Select(k => Membership.ShardFor(grains, k, GrainKey).RemoveAsync(GrainKey)));

    // The dependency keys whose membership lists this entry: all of them, but for its namespace where the storage finds a
    // namespace's entries by its own index. There a membership would cost every write a rewrite of 1/128 of the whole
    // namespace's members, to serve only the removal of rows the storage can find itself.
    private IEnumerable<string> WithMembership(List<string> dependencyKeys)
    {
        if (namespaceEntries is null)
        {
            return dependencyKeys;
        }

        var key = CacheKey.Parse(GrainKey);
        var namespaceKey = DependencyKey.Namespace(key.Tenant, key.Namespace);
        return dependencyKeys.Where(k => !string.Equals(k, namespaceKey, StringComparison.Ordinal));
    }

    private Task EvictCopiesAsync() =>
        grains.GetGrain<IInvalidationHubGrain>(IInvalidationHubGrain.Key).PublishAsync(new Dictionary<string, long>(), [GrainKey]);

    private async Task ClearAsync()
    {
        if (state.RecordExists)
        {
            try
            {
                await state.ClearStateAsync();
            }
            catch (Orleans.Storage.InconsistentStateException)
            {
                // The row may have gone behind this activation's back (the expiry sweep, or the storage's removal of an
                // invalidated namespace): then it is cleared already. A row another activation wrote since still fails.
                await state.ReadStateAsync();
                if (state.RecordExists)
                {
                    throw;
                }
            }
        }

        state.State = new CacheEntryState();
        _held.Publish(EntrySnapshot.Empty);
    }

    /// <summary>A single-flight lease: who may call the origin, until when, and a signal for the waiters.</summary>
    private sealed class Lease(Guid id, DateTimeOffset expiresAt, bool forRefresh)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Guid Id { get; } = id;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        /// <summary>Held by an eager refresh of a live entry, not by a caller waiting for a missing one.</summary>
        public bool ForRefresh { get; } = forRefresh;

        public Task Done => _done.Task;

        public void Signal() => _done.TrySetResult();
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Warning, "Single-flight lease {LeaseId} on {Key} expired before its holder completed it; another caller takes over.")]
        public static partial void LeaseExpired(ILogger logger, string key, Guid leaseId);

        [LoggerMessage(1002, LogLevel.Warning, "Could not save the hit count of {Key} at deactivation.")]
        public static partial void HitCountNotSaved(ILogger logger, Exception exception, string key);
    }
}
