using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>
/// <see cref="LlmCacheOptions.L1ServeStaleWhenClusterUnreachable"/>: with the silo stopped, an app server that opted in
/// answers get-or-create from its L1 copies, marked stale, for the bound past its lease, and never a copy it saw
/// invalidated; one that did not opt in fails open to the origin as before.
/// </summary>
[Trait("Category", "Integration")]
public sealed class L1StaleWhenUnreachableTests
{
    private static readonly Dictionary<string, string?> ShortLease = new() { ["LlmCache:Invalidation:LeaseDuration"] = "00:00:02" };

    [Fact]
    public async Task OptedIn_ServesL1CopiesStale_ButNotOneItSawInvalidated_AndStopsAfterTheBound()
    {
        var silo = await TcpSilo.StartAsync("l1stale-" + Guid.NewGuid().ToString("N")[..8], configuration: ShortLease);
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId, TimeSpan.FromMilliseconds(500), o =>
        {
            o.InvalidationRenewInterval = TimeSpan.FromMilliseconds(250);
            o.L1ServeStaleWhenClusterUnreachable = TimeSpan.FromSeconds(4);
        });
        await TwoAppServersFixture.WaitUntilTrustedAsync(client);
        var cache = client.Cache;
        var kept = cache.CreateKey("kept-" + Guid.NewGuid().ToString("N"));
        var invalidated = cache.CreateKey("invalidated-" + Guid.NewGuid().ToString("N"));
        var tag = "gone-" + Guid.NewGuid().ToString("N")[..8];
        await cache.SetAsync(kept, new CachedResponse("kept answer", "gpt-4"));
        await cache.SetAsync(invalidated, new CachedResponse("invalidated answer", "gpt-4"), new LlmCacheEntryOptions { Tags = [tag] });
        var l1 = cache.Statistics.L1Hits;
        Assert.Equal(LlmCacheSource.Hit, (await cache.GetOrCreateAsync(kept, Origin)).Source);
        Assert.Equal(LlmCacheSource.Hit, (await cache.GetOrCreateAsync(invalidated, Origin)).Source);
        Assert.Equal(l1 + 2, cache.Statistics.L1Hits);
        await cache.InvalidateTagAsync(tag);

        await silo.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // past the 2 s lease: L1 is no longer current

        var stale = await cache.GetOrCreateAsync(kept, Origin);
        Assert.Equal(LlmCacheSource.Stale, stale.Source);
        Assert.Equal("kept answer", stale.Response.Content);
        Assert.NotNull(stale.StoredAt);
        Assert.Null(await cache.GetAsync(kept)); // a plain read cannot say "stale", so it is not answered stale
        var fresh = await cache.GetOrCreateAsync(invalidated, Origin);
        Assert.Equal(LlmCacheSource.OriginCacheUnavailable, fresh.Source);
        Assert.Equal("from the origin", fresh.Response.Content);
        Assert.Equal(LlmCacheSource.OriginCacheUnavailable, (await cache.GetOrCreateAsync(kept, Origin, new LlmCacheEntryOptions { SkipL1Read = true })).Source);

        // Past the lease and the 4 s bound: the copy is not served any more.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(LlmCacheSource.OriginCacheUnavailable, (await cache.GetOrCreateAsync(kept, Origin)).Source);
    }

    [Fact]
    public async Task NotOptedIn_FailsOpenToTheOrigin_OnceTheLeaseRunsOut()
    {
        var silo = await TcpSilo.StartAsync("l1stale-" + Guid.NewGuid().ToString("N")[..8], configuration: ShortLease);
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId, TimeSpan.FromMilliseconds(500), o => o.InvalidationRenewInterval = TimeSpan.FromMilliseconds(250));
        await TwoAppServersFixture.WaitUntilTrustedAsync(client);
        var key = client.Cache.CreateKey("plain-" + Guid.NewGuid().ToString("N"));
        await client.Cache.SetAsync(key, new CachedResponse("cached", "gpt-4"));
        Assert.Equal(LlmCacheSource.Hit, (await client.Cache.GetOrCreateAsync(key, Origin)).Source);

        await silo.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.Equal(LlmCacheSource.OriginCacheUnavailable, (await client.Cache.GetOrCreateAsync(key, Origin)).Source);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("01:00:01")]
    public async Task ABoundOutOfRange_StopsTheAppServer_NamingTheSetting(string bound)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ClientHost.ConnectToGatewayAsync(
            FreePorts.Next(), "none", configure: o => o.L1ServeStaleWhenClusterUnreachable = TimeSpan.Parse(bound, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("L1ServeStaleWhenClusterUnreachable", error.Message);
    }

    private static ValueTask<CachedResponse> Origin(CancellationToken cancellationToken) => new(new CachedResponse("from the origin", "gpt-4"));
}
