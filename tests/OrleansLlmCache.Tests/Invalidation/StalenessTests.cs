using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Core.Invalidation;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>An app server that cannot hear the hub stops serving L1 within its lease, and a missed broadcast drops everything.</summary>
[Trait("Category", "Integration")]
public sealed class StalenessTests
{
    [Fact]
    public async Task AppServerThatLosesTheCluster_StopsServingL1WithinTheLease()
    {
        var silo = await TcpSilo.StartAsync(
            "stale-" + Guid.NewGuid().ToString("N")[..8],
            configuration: new Dictionary<string, string?> { ["LlmCache:Invalidation:LeaseDuration"] = "00:00:02" });
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId, TimeSpan.FromMilliseconds(500), o => o.InvalidationRenewInterval = TimeSpan.FromMilliseconds(250));
        await TwoAppServersFixture.WaitUntilTrustedAsync(client);
        var key = client.Cache.CreateKey("held-in-l1");
        await client.Cache.SetAsync(key, new CachedResponse("cached", "gpt-4"));
        Assert.NotNull(await client.Cache.GetAsync(key));
        var l1 = client.Cache.Statistics.L1Hits;
        await client.Cache.GetOrCreateAsync(key, _ => throw new InvalidOperationException("hit expected"));
        Assert.Equal(l1 + 1, client.Cache.Statistics.L1Hits);

        await silo.DisposeAsync();

        // The lease is 2 s: past it, the copy is not trusted any more; the read fails open to "miss".
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Null(await client.Cache.GetAsync(key));
    }

    [Fact]
    public async Task MissedBroadcast_DropsEveryCopy()
    {
        var silo = await TcpSilo.StartAsync("gap-" + Guid.NewGuid().ToString("N")[..8]);
        await using (silo)
        {
            await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
            // A table of the test's own: the client's is also renewed by its invalidation listener, which could trust
            // it again between the gap's flush and the check below.
            var table = new DependencyVersionTable(client.Services.GetRequiredService<IGrainFactory>(), TimeProvider.System);
            var flushed = 0;
            var subscription = new InvalidationSubscription(
                client.Services.GetRequiredService<IGrainFactory>(), table, TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, onFlush: () => flushed++);
            Assert.True(await subscription.RenewAsync());
            Assert.True(table.IsTrusted);
            var sequence = subscription.Sequence;

            await subscription.OnInvalidatedAsync(new InvalidationMessage(sequence + 1, new Dictionary<string, long> { ["x/tag:a"] = 1 }, []));
            Assert.True(table.IsTrusted);
            var flushesBefore = flushed;

            // Broadcast sequence + 2 never arrives; + 3 does: a gap.
            await subscription.OnInvalidatedAsync(new InvalidationMessage(sequence + 3, new Dictionary<string, long>(), []));
            Assert.Equal(flushesBefore + 1, flushed);
            Assert.False(table.IsTrusted);
            await subscription.DisposeAsync();
        }
    }
}
