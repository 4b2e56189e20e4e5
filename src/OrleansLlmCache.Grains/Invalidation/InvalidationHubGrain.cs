using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Grains.Access;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>
/// Broadcasts invalidations to every subscribed silo and app server and returns only when each has acknowledged or
/// its lease has run out (after which it no longer trusts its copies). A freshly activated hub does not know who
/// subscribed to its previous activation, so for one lease after activation every broadcast also waits out the lease.
/// </summary>
/// <remarks>
/// Publishes are group-committed: while one broadcast is in flight, the publishes that arrive meanwhile wait in a
/// <see cref="PublishQueue"/>, and the next broadcast carries them all (one sequence number, one storage write, one
/// message to each subscriber) and answers them all with its result. Broadcasts still go out one at a time, so
/// subscribers see the sequence numbers in order and their gap detection is unchanged; what no longer grows with the
/// number of publishes is the hub's work, which made it the cluster's write ceiling when every overwrite of a live entry
/// took a broadcast of its own. Relaying through one hub per silo was the alternative; it would give every subscriber
/// one sequence (and one lease) per relay to track, and a relay that dies would need its own activation wait, for a
/// saving the batching already makes.
/// </remarks>
internal sealed partial class InvalidationHubGrain(
    [PersistentState("llm-hub", LlmCacheStorage.Name)] IPersistentState<InvalidationHubState> state,
    IOptions<InvalidationOptions> options,
    ILogger<InvalidationHubGrain> logger) : Grain, IInvalidationHubGrain
{
    /// <summary>
    /// The most changes (versions plus evictions) one broadcast carries when it merges publishes. Every subscriber
    /// applies a message before it acknowledges, within <see cref="InvalidationOptions.AckTimeout"/> (1 s) and while it
    /// serves reads; 1,024 keys of at most 256 characters keep a message under about 300 KB and the work of applying it
    /// small, and are still far more than the publishes that arrive during one broadcast (at most one per concurrent
    /// writer: each waits for its broadcast). A single publish larger than this goes out alone, never split.
    /// </summary>
    internal const int MaxChangesPerBroadcast = 1024;

    // Leases are operational timing shared with every subscriber's own clock, not cache semantics: real time always.
    private readonly TimeProvider time = TimeProvider.System;
    private readonly InvalidationOptions _options = options.Value;
    private readonly Dictionary<string, Subscriber> _subscribers = new(StringComparer.Ordinal);
    private readonly PublishQueue _waiting = new(MaxChangesPerBroadcast);
    private bool _broadcasting;
    private DateTimeOffset _activatedAt;

    // The number of the last broadcast sent (or being sent) to the subscribers of the moment: what a subscription is told.
    // Not the number being written: a subscriber that renews meanwhile is among those the broadcast goes to, and told
    // that number it would take the broadcast for a gap (with the hub busy back to back under write load, nearly every
    // renewal would drop its copies).
    private long _sent;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        _sent = state.State.Sequence;
        return Task.CompletedTask;
    }

    public Task<HubLease> SubscribeAsync(string subscriberId, IInvalidationObserver observer)
    {
        // Set by the access check for an app server whose key reaches some tenants only: it gets their changes alone.
        var tenants = RequestContext.Get(TenantAccessFilter.SubscriberTenantsKey) as string[];
        _subscribers[subscriberId] = new Subscriber(observer, time.GetUtcNow() + _options.LeaseDuration, tenants);
        return Task.FromResult(new HubLease(_sent, _options.LeaseDuration));
    }

    public Task UnsubscribeAsync(string subscriberId)
    {
        _subscribers.Remove(subscriberId);
        return Task.CompletedTask;
    }

    public Task<int> PublishAsync(IReadOnlyDictionary<string, long> versions, IReadOnlyList<string> evictedEntries)
    {
        var published = _waiting.Add(versions, evictedEntries);
        if (!_broadcasting)
        {
            // Runs on this activation's scheduler like any grain code: the queue and the subscribers need no lock.
            _broadcasting = true;
            _ = BroadcastWaitingAsync();
        }

        return published;
    }

    private async Task BroadcastWaitingAsync()
    {
        while (!_waiting.IsEmpty)
        {
            var batch = _waiting.TakeBatch();
            try
            {
                batch.Complete(await BroadcastAsync(batch.Versions, batch.EvictedEntries));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                batch.Fail(ex);
            }
        }

        _broadcasting = false;
    }

    private async Task<int> BroadcastAsync(IReadOnlyDictionary<string, long> versions, IReadOnlyList<string> evictedEntries)
    {
        var sequence = state.State.Sequence + 1;
        state.State.Sequence = sequence;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Nothing was sent: the number goes back, so that the next broadcast follows the last one without a gap.
            state.State.Sequence = sequence - 1;
            throw;
        }

        // From here to taking the targets nothing awaits: a subscription before it is told the previous number and gets
        // this broadcast, one after it is told this number and does not.
        _sent = sequence;
        var message = new InvalidationMessage(sequence, versions, evictedEntries);

        var now = time.GetUtcNow();
        foreach (var expired in _subscribers.Where(s => s.Value.LeaseEnd <= now).Select(s => s.Key).ToList())
        {
            _subscribers.Remove(expired);
        }

        var targets = _subscribers.ToList();
        var scoped = new Dictionary<string[], InvalidationMessage>(ReferenceEqualityComparer.Instance); // one per key
        var deliveries = targets.Select(async target =>
        {
            try
            {
                var tenants = target.Value.Tenants;
                var sent = tenants is null ? message
                    : scoped.TryGetValue(tenants, out var cut) ? cut
                    : scoped[tenants] = TenantScope.Of(message, tenants);
                await target.Value.Observer.OnInvalidatedAsync(sent).WaitAsync(_options.AckTimeout, time);
                return (target.Key, Acknowledged: true);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                SubscriberMissed(logger, target.Key, message.Sequence, ex.Message);
                return (target.Key, Acknowledged: false);
            }
        });
        var results = await Task.WhenAll(deliveries);

        // Whoever did not acknowledge stops trusting its copies when its lease ends: wait until then, so that once
        // this returns nobody serves what it invalidated. The same holds for subscribers of a previous activation.
        var waitUntil = _activatedAt + _options.LeaseDuration;
        foreach (var (id, acknowledged) in results)
        {
            if (!acknowledged && _subscribers.TryGetValue(id, out var missed))
            {
                waitUntil = missed.LeaseEnd > waitUntil ? missed.LeaseEnd : waitUntil;
                _subscribers.Remove(id);
            }
        }

        var remaining = waitUntil - time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, time);
        }

        return results.Count(r => r.Acknowledged);
    }

    /// <param name="Observer">Where broadcasts go.</param>
    /// <param name="LeaseEnd">When the subscriber stops trusting its copies unless it renews.</param>
    /// <param name="Tenants">The tenants whose changes it gets; null for all (silos, operator keys, no access check).</param>
    private sealed record Subscriber(IInvalidationObserver Observer, DateTimeOffset LeaseEnd, string[]? Tenants);

    [LoggerMessage(3101, LogLevel.Warning, "Subscriber {Subscriber} did not acknowledge broadcast {Sequence} ({Reason}); waiting out its lease.")]
    private static partial void SubscriberMissed(ILogger logger, string subscriber, long sequence, string reason);
}
