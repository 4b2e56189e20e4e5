using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Invalidation;

namespace OrleansLlmCache.Core.Invalidation;

/// <summary>
/// Keeps a process subscribed to the invalidation hub: renews its lease every <c>renewEvery</c>, applies broadcasts to
/// a <see cref="DependencyVersionTable"/>, and, when it sees a gap in the broadcast sequence or cannot renew, stops
/// trusting its copies and tells its owner to drop them (<paramref name="onFlush"/>). Staleness bound: a process that
/// loses the hub stops serving copies when its lease (renewal interval plus margin) runs out, and the hub holds every
/// invalidation until then.
/// </summary>
internal sealed partial class InvalidationSubscription(
    IGrainFactory grains,
    DependencyVersionTable versions,
    TimeProvider time,
    ILogger logger,
    Action<IReadOnlyList<string>>? onEvict = null,
    Action? onFlush = null) : IInvalidationObserver, IAsyncDisposable
{
    private readonly string _id = Environment.MachineName + "/" + Environment.ProcessId + "/" + Guid.NewGuid().ToString("N")[..8];
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private IInvalidationObserver? _reference;
    private Task? _loop;
    private long _sequence = -1;

    // The last lease the hub granted (its default before the first): also how long a renewal may take. An answer that
    // comes later could not extend anything (the lease counts from before the call), and a call to a silo that died
    // would otherwise hold the renewal loop, and with it every later renewal, for the runtime's 30 s response timeout.
    private long _leaseTicks = TimeSpan.FromSeconds(5).Ticks;

    /// <summary>The number of the last broadcast applied (-1 before the first subscription).</summary>
    public long Sequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>Subscribes and keeps renewing in the background.</summary>
    public void Start(TimeSpan renewEvery)
    {
        _loop = Task.Run(() => RenewLoopAsync(renewEvery, _stop.Token));
    }

    /// <summary>Renews once now; returns whether the hub answered (within the length of a lease).</summary>
    public async Task<bool> RenewAsync()
    {
        lock (_gate)
        {
            // Back from a suspended machine: copies checked on the coarse clock would otherwise be served until this
            // renewal's answer arrives, after invalidations that waited out our lease by the wall clock.
            if (versions.LeaseLapsedOnlyOnTheWallClock)
            {
                Flush();
            }
        }

        var started = time.GetUtcNow();
        try
        {
            // Created on first use: a client may not be connected yet when the subscription starts.
            _reference ??= grains.CreateObjectReference<IInvalidationObserver>(this);
            var lease = await grains.GetGrain<IInvalidationHubGrain>(IInvalidationHubGrain.Key).SubscribeAsync(_id, _reference)
                .WaitAsync(TimeSpan.FromTicks(Interlocked.Read(ref _leaseTicks)), time);
            Interlocked.Exchange(ref _leaseTicks, Math.Max(lease.Duration.Ticks, TimeSpan.TicksPerSecond));
            lock (_gate)
            {
                if (_sequence != lease.Sequence)
                {
                    // A broadcast we have not seen (or the first subscription): nothing held may be trusted.
                    if (_sequence >= 0)
                    {
                        SequenceGap(logger, _sequence, lease.Sequence);
                    }

                    Flush();
                    _sequence = lease.Sequence;
                }

                // The lease counts from before the call, so it never outlives the hub's view of it.
                versions.TrustUntil(started + lease.Duration);
            }

            return true;
        }
        catch (TimeoutException)
        {
            RenewFailed(logger, $"the hub did not answer within a lease, {TimeSpan.FromTicks(Interlocked.Read(ref _leaseTicks)).TotalSeconds:0.#} s");
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            RenewFailed(logger, ex.Message);
            return false;
        }
    }

    public Task OnInvalidatedAsync(InvalidationMessage message)
    {
        lock (_gate)
        {
            if (_sequence >= 0 && message.Sequence != _sequence + 1)
            {
                SequenceGap(logger, _sequence, message.Sequence);
                Flush();
            }

            _sequence = Math.Max(_sequence, message.Sequence);
            versions.Apply(message);
        }

        if (message.EvictedEntries.Count > 0)
        {
            onEvict?.Invoke(message.EvictedEntries);
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        try
        {
            await grains.GetGrain<IInvalidationHubGrain>(IInvalidationHubGrain.Key).UnsubscribeAsync(_id).WaitAsync(TimeSpan.FromSeconds(2), time);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Shutting down: the hub forgets us when our lease runs out anyway.
        }

        if (_reference is not null)
        {
            grains.DeleteObjectReference<IInvalidationObserver>(_reference);
        }

        _stop.Dispose();
    }

    private void Flush()
    {
        versions.Flush();
        onFlush?.Invoke();
    }

    private async Task RenewLoopAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RenewAsync();
            try
            {
                await Task.Delay(every, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(3001, LogLevel.Warning, "Missed invalidation broadcasts (had {Had}, hub is at {Hub}): dropping cached copies.")]
    private static partial void SequenceGap(ILogger logger, long had, long hub);

    [LoggerMessage(3002, LogLevel.Warning, "Could not renew the invalidation lease ({Reason}); cached copies stop being served when it runs out.")]
    private static partial void RenewFailed(ILogger logger, string reason);
}
