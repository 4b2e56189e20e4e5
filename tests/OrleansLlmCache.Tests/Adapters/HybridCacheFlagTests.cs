using Microsoft.Extensions.Caching.Hybrid;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// Every <see cref="HybridCacheEntryFlags"/> value is honoured or refused with a reason, never ignored. The local-cache
/// flags, which need the L1 of a subscribed app server, are in <see cref="HybridCacheAcrossAppServersTests"/>.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class HybridCacheFlagTests(AdapterClusterFixture fixture)
{
    private readonly string _key = "flags:" + Guid.NewGuid().ToString("N");
    private int _calls;

    [Fact]
    public async Task DisableUnderlyingData_ReturnsTheCachedValue_OrDefaultWithoutCallingTheFactory()
    {
        var options = Options(HybridCacheEntryFlags.DisableUnderlyingData);

        Assert.Null(await fixture.Hybrid.GetOrCreateAsync(_key, Factory("created"), options));
        Assert.Null(await fixture.Cache.GetAsync(AdapterClusterFixture.HybridKey(_key)));

        await fixture.Hybrid.SetAsync(_key, "cached");
        Assert.Equal("cached", await fixture.Hybrid.GetOrCreateAsync(_key, Factory("created"), options));
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task DisableDistributedCacheRead_CallsTheFactory_AndStoresItsValue()
    {
        await fixture.Hybrid.SetAsync(_key, "cached");

        var value = await fixture.Hybrid.GetOrCreateAsync(_key, Factory("fresh"), Options(HybridCacheEntryFlags.DisableDistributedCacheRead | HybridCacheEntryFlags.DisableLocalCacheRead));

        Assert.Equal("fresh", value);
        Assert.Equal(1, _calls);
        Assert.Equal("fresh", await fixture.Hybrid.GetOrCreateAsync(_key, Factory("again")));
    }

    [Fact]
    public async Task DisableDistributedCacheWrite_WithDisableLocalCacheWrite_ReturnsTheValueWithoutStoringIt()
    {
        var options = Options(HybridCacheEntryFlags.DisableDistributedCacheWrite | HybridCacheEntryFlags.DisableLocalCacheWrite);

        Assert.Equal("one", await fixture.Hybrid.GetOrCreateAsync(_key, Factory("one"), options));
        Assert.Equal("two", await fixture.Hybrid.GetOrCreateAsync(_key, Factory("two"), options));
        await fixture.Hybrid.SetAsync(_key, "set", options);

        Assert.Equal(2, _calls);
        Assert.Null(await fixture.Cache.GetAsync(AdapterClusterFixture.HybridKey(_key)));
    }

    [Fact]
    public async Task DisableDistributedCache_WithDisableLocalCache_NeitherReadsNorWrites()
    {
        await fixture.Hybrid.SetAsync(_key, "cached");
        var options = Options(HybridCacheEntryFlags.DisableDistributedCache | HybridCacheEntryFlags.DisableLocalCache);

        Assert.Equal("uncached", await fixture.Hybrid.GetOrCreateAsync(_key, Factory("uncached"), options));

        Assert.Equal("cached", (await fixture.Cache.GetAsync(AdapterClusterFixture.HybridKey(_key)))?.Response.Content);
    }

    [Theory]
    [InlineData(HybridCacheEntryFlags.DisableDistributedCacheWrite)]
    [InlineData(HybridCacheEntryFlags.DisableDistributedCache)]
    [InlineData(HybridCacheEntryFlags.DisableDistributedCacheWrite | HybridCacheEntryFlags.DisableLocalCacheRead)]
    public async Task AValueForThisAppServerOnly_IsRefused_BeforeAnythingRuns(HybridCacheEntryFlags flags)
    {
        var created = await Assert.ThrowsAsync<NotSupportedException>(async () => await fixture.Hybrid.GetOrCreateAsync(_key, Factory("x"), Options(flags)));
        var set = await Assert.ThrowsAsync<NotSupportedException>(async () => await fixture.Hybrid.SetAsync(_key, "x", Options(flags)));

        Assert.Contains("Add DisableLocalCacheWrite", created.Message, StringComparison.Ordinal);
        Assert.Equal(created.Message, set.Message);
        Assert.Equal(0, _calls);
        Assert.Null(await fixture.Cache.GetAsync(AdapterClusterFixture.HybridKey(_key)));
    }

    [Fact]
    public async Task AFlagTheAdapterDoesNotKnow_IsRefused()
    {
        var error = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await fixture.Hybrid.GetOrCreateAsync(_key, Factory("x"), Options((HybridCacheEntryFlags)(1 << 10))));

        Assert.Contains("1024 is not known", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task DisableCompression_StoresTheValueAsItIs()
    {
        var text = new string('a', 10_000);

        await fixture.Hybrid.GetOrCreateAsync(_key, Factory(text), Options(HybridCacheEntryFlags.DisableCompression));

        Assert.Equal(text, (await fixture.Cache.GetAsync(AdapterClusterFixture.HybridKey(_key)))?.Response.Content);
    }

    private static HybridCacheEntryOptions Options(HybridCacheEntryFlags flags) => new() { Flags = flags };

    private Func<CancellationToken, ValueTask<string?>> Factory(string value) => _ =>
    {
        Interlocked.Increment(ref _calls);
        return new ValueTask<string?>(value);
    };
}
