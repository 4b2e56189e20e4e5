using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Invalidation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>
/// Broadcasts invalidations to every subscribed silo and app server and returns only when each has acknowledged or
/// its lease has run out (after which it no longer trusts its copies). A freshly activated hub does not know who
/// subscribed to its previous activation, so for one lease after activation every broadcast also waits out the lease.
/// </summary>
internal sealed partial class InvalidationHubGrain(
    [PersistentState("llm-hub", LlmCacheStorage.Name)] IPersistentState<InvalidationHubState> state,
    IOptions<InvalidationOptions> options,
    ILogger<InvalidationHubGrain> logger) : Grain, IInvalidationHubGrain
{
    // Leases are operational timing shared with every subscriber's own clock, not cache semantics: real time always.
    private readonly TimeProvider time = TimeProvider.System;
    private readonly InvalidationOptions _options = options.Value;
    private readonly Dictionary<string, Subscriber> _subscribers = new(StringComparer.Ordinal);
    private DateTimeOffset _activatedAt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task<HubLease> SubscribeAsync(string subscriberId, IInvalidationObserver observer)
    {
        _subscribers[subscriberId] = new Subscriber(observer, time.GetUtcNow() + _options.LeaseDuration);
        return Task.FromResult(new HubLease(state.State.Sequence, _options.LeaseDuration));
    }

    public Task UnsubscribeAsync(string subscriberId)
    {
        _subscribers.Remove(subscriberId);
        return Task.CompletedTask;
    }

    public async Task<int> PublishAsync(IReadOnlyDictionary<string, long> versions, IReadOnlyList<string> evictedEntries)
    {
        state.State.Sequence++;
        await state.WriteStateAsync();
        var message = new InvalidationMessage(state.State.Sequence, versions, evictedEntries);

        var now = time.GetUtcNow();
        foreach (var expired in _subscribers.Where(s => s.Value.LeaseEnd <= now).Select(s => s.Key).ToList())
        {
            _subscribers.Remove(expired);
        }

        var targets = _subscribers.ToList();
        var deliveries = targets.Select(async target =>
        {
            try
            {
                await target.Value.Observer.OnInvalidatedAsync(message).WaitAsync(_options.AckTimeout, time);
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

    private sealed record Subscriber(IInvalidationObserver Observer, DateTimeOffset LeaseEnd);

    [LoggerMessage(3101, LogLevel.Warning, "Subscriber {Subscriber} did not acknowledge broadcast {Sequence} ({Reason}); waiting out its lease.")]
    private static partial void SubscriberMissed(ILogger logger, string subscriber, long sequence, string reason);
}
