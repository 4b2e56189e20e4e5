using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Grains.Hosting;
using OrleansLlmCache.Model;

namespace OrleansLlmCache.Grains.Entries;

/// <summary>
/// Holds one response and the single-flight lease of its key. Writes are turn-based (one at a time); reads and waits
/// interleave so that waiters never block the leaseholder's completion.
/// </summary>
internal sealed partial class CacheEntryGrain(
    [PersistentState("llm-entry", LlmCacheStorage.Name)] IPersistentState<CacheEntryState> state,
    [FromKeyedServices(LlmCacheTime.ServiceKey)] TimeProvider time,
    IOptions<CacheEntryGrainOptions> options,
    ILogger<CacheEntryGrain> logger) : Grain, ICacheEntryGrain
{
    private readonly CacheEntryGrainOptions _options = options.Value;

    // Hits since the state was last written: counted in memory, persisted with the next write or at deactivation,
    // so that a hit never costs a storage write.
    private long _unsavedHits;
    private Lease? _lease;

    public ValueTask<CacheEntry?> GetAsync() => ValueTask.FromResult(TryServe());

    public async ValueTask<LeaseResult> GetOrLeaseAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var wait = maxWait <= TimeSpan.Zero || maxWait > _options.MaxWaitPerCall ? _options.MaxWaitPerCall : maxWait;
        var deadline = time.GetUtcNow() + wait;
        var waited = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryServe() is { } entry)
            {
                return new LeaseResult(LeaseStatus.Hit, entry, Coalesced: waited);
            }

            var now = time.GetUtcNow();
            if (_lease is null || _lease.ExpiresAt <= now)
            {
                if (_lease is not null)
                {
                    Log.LeaseExpired(logger, this.GetPrimaryKeyString(), _lease.Id);
                    _lease.Signal();
                }

                _lease = new Lease(Guid.NewGuid(), now + _options.LeaseDuration);
                return new LeaseResult(LeaseStatus.Granted, LeaseId: _lease.Id);
            }

            if (now >= deadline)
            {
                return new LeaseResult(LeaseStatus.Pending);
            }

            // Wake on the leaseholder's completion or release, on the lease's expiry, or at this call's deadline.
            var lease = _lease;
            var until = lease.ExpiresAt < deadline ? lease.ExpiresAt : deadline;
            waited = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(until - now, time, timeout.Token);
            await Task.WhenAny(lease.Done, delay);
            await timeout.CancelAsync();
        }
    }

    public async ValueTask<CacheEntry> CompleteLeaseAsync(Guid leaseId, CachedResponse response, TimeSpan? timeToLive)
    {
        // The response is stored even if the lease has meanwhile expired: it is a valid answer for this key.
        var entry = await StoreAsync(response, timeToLive);
        if (_lease is { } lease && lease.Id == leaseId)
        {
            _lease = null;
            lease.Signal();
        }

        return entry;
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

    public async ValueTask<CacheEntry> SetAsync(CachedResponse response, TimeSpan? timeToLive)
    {
        var entry = await StoreAsync(response, timeToLive);

        // A direct write also answers anybody waiting on a lease for this key.
        _lease?.Signal();
        _lease = null;
        return entry;
    }

    public async ValueTask<bool> RemoveAsync()
    {
        var wasLive = TryServe(countHit: false) is not null;
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        state.State = new CacheEntryState();
        _unsavedHits = 0;
        return wasLive;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _lease?.Signal();

        // At silo shutdown the storage may already be gone (memory storage is itself made of grains); hit counts are
        // statistics and not worth a failing write then.
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown
            && _unsavedHits > 0 && state.State.Response is not null && !IsExpired(time.GetUtcNow()))
        {
            try
            {
                state.State.HitCount += _unsavedHits;
                await state.WriteStateAsync(cancellationToken);
                _unsavedHits = 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Hit counts are statistics: losing some at shutdown must never lose the entry itself.
                Log.HitCountNotSaved(logger, ex, this.GetPrimaryKeyString());
            }
        }
    }

    private CacheEntry? TryServe(bool countHit = true)
    {
        var current = state.State;
        if (current.Response is null || IsExpired(time.GetUtcNow()))
        {
            return null;
        }

        if (countHit)
        {
            _unsavedHits++;
        }

        return new CacheEntry(current.Response, current.CreatedAt, current.ExpiresAt, current.HitCount + _unsavedHits);
    }

    private bool IsExpired(DateTimeOffset now) => state.State.ExpiresAt is { } expires && expires <= now;

    private async ValueTask<CacheEntry> StoreAsync(CachedResponse response, TimeSpan? timeToLive)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Validate();
        LlmCacheLimits.ValidateTimeToLive(timeToLive);

        var now = time.GetUtcNow();
        var previous = state.State;
        state.State = new CacheEntryState
        {
            Response = response,
            CreatedAt = now,
            ExpiresAt = now + timeToLive,
            HitCount = 0,
        };

        try
        {
            // Readers interleave with this write and may see the new response before it is durable; it is a valid
            // answer for this key either way.
            await state.WriteStateAsync();
        }
        catch
        {
            // Keep serving what storage still holds: a failed write must not leave memory and storage disagreeing.
            state.State = previous;
            throw;
        }

        _unsavedHits = 0;
        return new CacheEntry(response, now, state.State.ExpiresAt, 0);
    }

    /// <summary>A single-flight lease: who may call the origin, until when, and a signal for the waiters.</summary>
    private sealed class Lease(Guid id, DateTimeOffset expiresAt)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Guid Id { get; } = id;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

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
