using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>
/// A renewal whose hub never answers (its silo died and is not yet declared dead: the runtime waits 30 s for a response)
/// gives up after the length of a lease, so the next renewal can reach the hub's new activation, and shutting down does
/// not wait for it either.
/// </summary>
public sealed class HungRenewalTests
{
    [Fact]
    public async Task ARenewalTheHubNeverAnswers_FailsAfterALease_AndDisposeDoesNotWaitForIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var hub = new SilentHub();
        var grains = GrainFactoryProxy.Create(hub);
        var table = new DependencyVersionTable(grains, time);
        var subscription = new InvalidationSubscription(grains, table, time, NullLogger.Instance);

        // Bounded by the hub's default lease (5 s): still waiting just before it, given up at it. Without the bound
        // the renewal never returns (the fake hub never answers).
        var renewal = subscription.RenewAsync();
        await Eventually.WaitUntilAsync(() => hub.Subscribes == 1, TimeSpan.FromSeconds(30), () => "the renewal never called the hub");
        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.False(renewal.IsCompleted, "the renewal gave up before a lease had passed");
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await renewal.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(table.IsTrusted);

        // The renewal loop asks again after a renewal that hung, instead of staying behind it: each lease that passes
        // without an answer ends one renewal, and the next starts after the renewal interval.
        subscription.Start(TimeSpan.FromMilliseconds(100));
        await Eventually.WaitUntilAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return hub.Subscribes >= 3;
            },
            TimeSpan.FromSeconds(30),
            () => $"the loop did not renew again after a hung renewal ({hub.Subscribes} renewals)");

        // Shutting down while a renewal hangs: bounded too (the renewal by a lease, the goodbye by 2 s).
        var disposal = subscription.DisposeAsync().AsTask();
        await Eventually.WaitUntilAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return disposal.IsCompleted;
            },
            TimeSpan.FromSeconds(30),
            () => "disposing waited for the hub's goodbye beyond its 2 s bound");
        await disposal;
    }

    /// <summary>A hub whose silo stopped answering: calls are accepted and never completed.</summary>
    private sealed class SilentHub : IInvalidationHubGrain
    {
        private int _subscribes;

        public int Subscribes => Volatile.Read(ref _subscribes);

        public Task<HubLease> SubscribeAsync(string subscriberId, IInvalidationObserver observer)
        {
            Interlocked.Increment(ref _subscribes);
            return new TaskCompletionSource<HubLease>().Task;
        }

        public Task UnsubscribeAsync(string subscriberId) => new TaskCompletionSource().Task;

        public Task<int> PublishAsync(IReadOnlyDictionary<string, long> versions, IReadOnlyList<string> evictedEntries) =>
            throw new NotSupportedException();
    }

    /// <summary>An <see cref="IGrainFactory"/> that hands out the one hub and takes observers as they are.</summary>
    private class GrainFactoryProxy : DispatchProxy
    {
        private IInvalidationHubGrain _hub = null!;

        public static IGrainFactory Create(IInvalidationHubGrain hub)
        {
            var factory = DispatchProxy.Create<IGrainFactory, GrainFactoryProxy>();
            ((GrainFactoryProxy)(object)factory)._hub = hub;
            return factory;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IGrainFactory.GetGrain) when targetMethod.ReturnType == typeof(IInvalidationHubGrain) => _hub,
            nameof(IGrainFactory.CreateObjectReference) => args![0],
            nameof(IGrainFactory.DeleteObjectReference) => null,
            _ => throw new NotSupportedException($"{targetMethod?.Name} is not part of this test"),
        };
    }
}
