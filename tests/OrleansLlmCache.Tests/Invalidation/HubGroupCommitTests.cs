using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Grains.Invalidation;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>
/// The invalidation hub merges publishes that arrive while a broadcast is in flight into the next broadcast, on a silo
/// of its own whose storage can hold or fail the hub's write (<see cref="GatedWriteStorage"/>). Two recording
/// subscribers stand for silos and app servers and check what each of them received.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HubGroupCommitTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private InProcessTestCluster _cluster = null!;
    private int _publishesArrived;
    private RecordingSubscriber _first = null!;
    private RecordingSubscriber _second = null!;

    private IInvalidationHubGrain Hub => _cluster.Client.GetGrain<IInvalidationHubGrain>(IInvalidationHubGrain.Key);

    private GatedWriteStorage Storage => GatedWriteStorage.Of(_cluster.Silos[0].ServiceProvider);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrleansLlmCacheGrains();
            silo.Services.Configure<InvalidationOptions>(o =>
            {
                // Short, so that the wait of a new hub activation (one lease) does not slow the tests down.
                o.LeaseDuration = TimeSpan.FromSeconds(2);
                o.RenewInterval = TimeSpan.FromMilliseconds(250);

                // Generous, so that a subscriber slowed by a busy machine still acknowledges: the count of
                // acknowledgements is what these tests read, not how fast they come.
                o.AckTimeout = TimeSpan.FromSeconds(20);
            });
            GatedWriteStorage.AddAsLlmCacheStorage(silo);

            // Counted before the hub runs the call: once the count is reached, each publish is queued at the hub, or is
            // in the turn that queues it, which ends before the hub's broadcast loop can take another batch.
            silo.AddIncomingGrainCallFilter(context =>
            {
                if (context.InterfaceMethod?.DeclaringType == typeof(IInvalidationHubGrain) && context.InterfaceMethod.Name == nameof(IInvalidationHubGrain.PublishAsync))
                {
                    Interlocked.Increment(ref _publishesArrived);
                }

                return context.Invoke();
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _first = await RecordingSubscriber.StartAsync(_cluster.Client, "first");
        _second = await RecordingSubscriber.StartAsync(_cluster.Client, "second");
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task PublishesArrivingDuringABroadcast_GoOutAsOneBroadcast_AndEverySubscriberSeesEveryVersionAndEviction()
    {
        // The first publish's broadcast waits on storage; ten more arrive meanwhile.
        var held = Storage.HoldNextWriteAsync(IInvalidationHubGrain.Key);
        var first = Hub.PublishAsync(new Dictionary<string, long> { ["t/tag:first"] = 1 }, ["t/ns/first"]);
        await held.WaitAsync(Within);
        var merged = Enumerable.Range(0, 10).Select(i => Hub.PublishAsync(
            new Dictionary<string, long> { ["t/tag:shared"] = 10 + i, [$"t/dep:{i}"] = 1 },
            [$"t/ns/{i}", "t/ns/shared"])).ToList();
        await WaitForPublishesAsync(11);

        Storage.LetThrough();
        var acknowledged = await Task.WhenAll(merged.Prepend(first)).WaitAsync(Within);

        // Every caller of a broadcast gets its result: both recorders, and the silo's own subscriber, acknowledged.
        Assert.All(acknowledged, a => Assert.True(a >= 2, $"expected both recorders among the acknowledgements, got {a}"));
        Assert.Single(acknowledged.Skip(1).Distinct());
        foreach (var subscriber in new[] { _first, _second })
        {
            var received = subscriber.Messages.ToList();
            Assert.Equal(2, received.Count);
            Assert.Equal(received[0].Sequence + 1, received[1].Sequence);
            Assert.Equal(new Dictionary<string, long> { ["t/tag:first"] = 1 }, received[0].Versions);
            Assert.Equal(["t/ns/first"], received[0].EvictedEntries);

            var expectedVersions = Enumerable.Range(0, 10).ToDictionary(i => $"t/dep:{i}", _ => 1L);
            expectedVersions["t/tag:shared"] = 19;
            Assert.Equal(expectedVersions, received[1].Versions);
            Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"t/ns/{i}"), "t/ns/shared"], received[1].EvictedEntries.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task AStorageWriteThatFails_FailsEveryPublishOfItsBatch_AndTheNextBroadcastFollowsTheLastOneSent()
    {
        var sent = await Hub.PublishAsync(new Dictionary<string, long>(), ["t/ns/sent"]).WaitAsync(Within);
        Assert.True(sent >= 2);
        var sequenceSent = _first.Messages.Single().Sequence;

        // The failing batch: two publishes merged behind one that goes through.
        var held = Storage.HoldNextWriteAsync(IInvalidationHubGrain.Key);
        var ahead = Hub.PublishAsync(new Dictionary<string, long>(), ["t/ns/ahead"]);
        await held.WaitAsync(Within);
        var doomed = new[]
        {
            Hub.PublishAsync(new Dictionary<string, long> { ["t/tag:doomed"] = 7 }, ["t/ns/doomed-1"]),
            Hub.PublishAsync(new Dictionary<string, long>(), ["t/ns/doomed-2"]),
        };
        await WaitForPublishesAsync(4);
        var failing = Storage.LetThroughAndHoldNextWriteAsync(IInvalidationHubGrain.Key);
        await ahead.WaitAsync(Within);
        await failing.WaitAsync(Within);
        Storage.Fail();

        foreach (var publish in doomed)
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => publish.WaitAsync(Within));
            Assert.Contains("refused the write", failure.ToString(), StringComparison.Ordinal);
        }

        var after = await Hub.PublishAsync(new Dictionary<string, long> { ["t/tag:after"] = 1 }, []).WaitAsync(Within);
        Assert.True(after >= 2);

        // Nothing of the failed batch was sent, and its sequence number went to the next broadcast: no gap.
        foreach (var subscriber in new[] { _first, _second })
        {
            var received = subscriber.Messages.ToList();
            Assert.Equal([sequenceSent, sequenceSent + 1, sequenceSent + 2], received.Select(m => m.Sequence));
            Assert.Equal(["t/ns/sent", "t/ns/ahead"], received.SelectMany(m => m.EvictedEntries));
            Assert.Equal(["t/tag:after"], received.SelectMany(m => m.Versions.Keys));
        }

        // The hub answers a subscription with the last number it sent, which is what a subscriber that saw all has.
        Assert.Equal(sequenceSent + 2, (await Hub.SubscribeAsync("check", _first.Reference)).Sequence);
        await Hub.UnsubscribeAsync("check");
    }

    [Fact]
    public async Task ASubscriptionRenewedWhileABroadcastIsBeingStored_KeepsItsCopies_AndReceivesThatBroadcast()
    {
        // Past the new activation's wait first, so that the subscription's short lease outlasts the broadcast below.
        await Hub.PublishAsync(new Dictionary<string, long>(), ["t/ns/sent"]).WaitAsync(Within);
        var sequenceSent = _first.Messages.Single().Sequence;
        var table = new DependencyVersionTable(_cluster.Client, TimeProvider.System);
        var flushes = 0;
        var subscription = new InvalidationSubscription(_cluster.Client, table, TimeProvider.System, NullLogger.Instance, onFlush: () => Interlocked.Increment(ref flushes));
        await using (subscription)
        {
            Assert.True(await subscription.RenewAsync());
            Assert.Equal(sequenceSent, subscription.Sequence);
            var flushesAfterSubscribing = Volatile.Read(ref flushes);

            var held = Storage.HoldNextWriteAsync(IInvalidationHubGrain.Key);
            var publish = Hub.PublishAsync(new Dictionary<string, long> { ["t/tag:next"] = 1 }, []);
            await held.WaitAsync(Within);
            Assert.True(await subscription.RenewAsync());
            Storage.LetThrough();
            await publish.WaitAsync(Within);

            // Told the number being stored, the renewal would have dropped everything, and the broadcast after it again.
            Assert.Equal(sequenceSent + 1, subscription.Sequence);
            Assert.Equal(flushesAfterSubscribing, Volatile.Read(ref flushes));
        }
    }

    private Task WaitForPublishesAsync(int count) => Eventually.WaitUntilAsync(
        () => Volatile.Read(ref _publishesArrived) >= count, Within, () => $"expected {count} publishes at the hub, {Volatile.Read(ref _publishesArrived)} arrived");

    /// <summary>A subscriber that records every broadcast it receives and renews its lease like a silo or app server.</summary>
    private sealed class RecordingSubscriber : IInvalidationObserver, IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private IGrainFactory _grains = null!;
        private string _id = null!;
        private Task _renewals = Task.CompletedTask;

        public ConcurrentQueue<InvalidationMessage> Messages { get; } = new();

        public IInvalidationObserver Reference { get; private set; } = null!;

        public static async Task<RecordingSubscriber> StartAsync(IGrainFactory grains, string id)
        {
            var subscriber = new RecordingSubscriber { _grains = grains, _id = id };
            subscriber.Reference = grains.CreateObjectReference<IInvalidationObserver>(subscriber);
            await subscriber.RenewAsync();
            subscriber._renewals = subscriber.RenewEveryAsync(TimeSpan.FromMilliseconds(250));
            return subscriber;
        }

        public Task OnInvalidatedAsync(InvalidationMessage message)
        {
            Messages.Enqueue(message);
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _renewals;
            _grains.DeleteObjectReference<IInvalidationObserver>(Reference);
            _stop.Dispose();
        }

        private Task RenewAsync() => _grains.GetGrain<IInvalidationHubGrain>(IInvalidationHubGrain.Key).SubscribeAsync(_id, Reference);

        // Renewing is what keeps the lease (2 s) alive through a test on a slow machine, not a wait for an effect.
        private async Task RenewEveryAsync(TimeSpan interval)
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    await RenewAsync();
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
