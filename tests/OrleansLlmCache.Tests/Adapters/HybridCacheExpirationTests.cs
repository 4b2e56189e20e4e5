using Microsoft.Extensions.Caching.Hybrid;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// HybridCache's ExpirationTests against the cluster, on the silo's clock: <see cref="HybridCacheEntryOptions.Expiration"/>
/// is the entry's time to live, and the adapter's default is HybridCache's five minutes.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class HybridCacheExpirationTests(AdapterClusterFixture fixture)
{
    private readonly string _key = "expiry:" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ExpirationRespected()
    {
        // LocalCacheExpiration is shorter, as in HybridCache's test; the L1 is coherent, so it has nothing to bound.
        HybridCacheEntryOptions options = new() { Expiration = TimeSpan.FromMinutes(2), LocalCacheExpiration = TimeSpan.FromMinutes(1) };
        var first = await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, options);
        Assert.Equal(first, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, options));

        fixture.Time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(first, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, options));

        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.NotEqual(first, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, options));
    }

    [Fact]
    public async Task WithoutAnExpiration_AValueLivesFiveMinutes()
    {
        var first = await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid);

        fixture.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(first, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotEqual(first, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid));
    }

    [Fact]
    public async Task SetAsync_TakesTheExpirationToo()
    {
        await fixture.Hybrid.SetAsync(_key, "set", new HybridCacheEntryOptions { Expiration = TimeSpan.FromHours(1) });

        fixture.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal("set", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));

        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("factory", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));
    }

    [Fact]
    public async Task AnExpirationOutsideTheCachesLimits_IsRefusedBeforeTheFactoryRuns()
    {
        var calls = 0;

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await fixture.Hybrid.GetOrCreateAsync(
            _key, _ => { calls++; return new ValueTask<int>(1); }, new HybridCacheEntryOptions { Expiration = TimeSpan.FromMilliseconds(500) }));

        Assert.Contains("between 1 second and 365 days", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, calls);
    }

    private static ValueTask<Guid> NewGuid(CancellationToken cancellationToken) => new(Guid.NewGuid());
}
