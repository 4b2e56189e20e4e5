using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Adapters;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// HybridCache's FunctionalTests (removal by key, one and many) against the cluster, and where and how the adapter
/// stores what it is given.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class HybridCacheFunctionalTests(AdapterClusterFixture fixture)
{
    private readonly string _key = "functional:" + Guid.NewGuid().ToString("N");

    [Fact]
    public void HybridCache_ResolvesToTheClusterAdapter() => Assert.IsType<ClusterHybridCache>(fixture.Hybrid);

    [Fact]
    public async Task RemoveSingleKey()
    {
        Assert.Equal(42, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(42)));

        await fixture.Hybrid.RemoveAsync("unrelated");
        Assert.Equal(42, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(96)));

        await fixture.Hybrid.RemoveAsync(_key);
        Assert.Equal(96, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(96)));
    }

    [Fact]
    public async Task RemoveNoKeyViaArray()
    {
        Assert.Equal(42, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(42)));

        await fixture.Hybrid.RemoveAsync([]);
        await fixture.Hybrid.RemoveAsync((IEnumerable<string>)null!);
        Assert.Equal(42, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(96)));
    }

    [Fact]
    public async Task RemoveSingleKeyViaArray()
    {
        Assert.Equal(42, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(42)));

        await fixture.Hybrid.RemoveAsync(["unrelated"]);
        Assert.Equal(42, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(96)));

        await fixture.Hybrid.RemoveAsync([_key]);
        Assert.Equal(96, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(96)));
    }

    [Fact]
    public async Task RemoveMultipleKeysViaArray()
    {
        var other = _key + ":other";
        Assert.Equal(42, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(42)));
        Assert.Equal(43, await fixture.Hybrid.GetOrCreateAsync(other, _ => new ValueTask<int>(43)));

        await fixture.Hybrid.RemoveAsync([_key, "unrelated", other]);

        Assert.Equal(96, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(96)));
        Assert.Equal(97, await fixture.Hybrid.GetOrCreateAsync(other, _ => new ValueTask<int>(97)));
    }

    [Fact]
    public async Task SetAsync_Overwrites_AndTheStateOverloadPassesItsState()
    {
        Assert.Equal("first", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("first")));

        await fixture.Hybrid.SetAsync(_key, "second");

        Assert.Equal("second", await fixture.Hybrid.GetOrCreateAsync(_key, "state", (s, _) => new ValueTask<string>(s)));
        await fixture.Hybrid.RemoveAsync(_key);
        Assert.Equal("state", await fixture.Hybrid.GetOrCreateAsync(_key, "state", (s, _) => new ValueTask<string>(s)));
    }

    [Fact]
    public async Task AValue_IsStoredInTheTenantAndNamespace_UnderItsKey_AsMarkedText()
    {
        await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<TestSerializers.Order>(new TestSerializers.Order(7, "tea")));

        var entry = await fixture.Cache.GetAsync(new CacheKey("default", "hybrid", _key));

        Assert.NotNull(entry);
        Assert.Equal("{\"Id\":7,\"Product\":\"tea\"}", entry.Response.Content);
        Assert.Equal("application/vnd.orleansllmcache.adapter.hybrid-cache.v1; encoding=utf-8", entry.Response.ContentType);
        Assert.Equal("hybrid-cache", entry.Response.Model);
    }

    [Theory]
    [InlineData("/orders/eu/")]
    [InlineData("user prefs for zoë ")]
    [InlineData("sha256:")]
    public async Task AKeyThatIsNotAKeyPart_IsStoredUnderItsSha256_AndStaysApartFromOtherKeys(string prefix)
    {
        var key = prefix + Guid.NewGuid().ToString("N");
        await fixture.Hybrid.SetAsync(key, "for " + key);
        await fixture.Hybrid.SetAsync(key + " ", "for the other key");

        var entry = await fixture.Cache.GetAsync(AdapterClusterFixture.HybridKey(key));

        Assert.StartsWith("sha256:", AdapterClusterFixture.HybridKey(key).Id, StringComparison.Ordinal);
        Assert.Equal("for " + key, entry?.Response.Content);
        Assert.Equal("for " + key, await fixture.Hybrid.GetOrCreateAsync(key, _ => new ValueTask<string>("factory")));
    }

    [Fact]
    public async Task AnOversizedValue_IsRefusedWithAClearError_AndWhatWasCachedStays()
    {
        await fixture.Hybrid.SetAsync(_key, "small");
        var huge = new string('x', 1024 * 1024 + 1);

        var set = await Assert.ThrowsAsync<ArgumentException>(async () => await fixture.Hybrid.SetAsync(_key, huge));
        Assert.Contains("1,048,577 bytes serialized", set.Message, StringComparison.Ordinal);
        Assert.Equal("small", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));

        var other = _key + ":huge";
        var created = await Assert.ThrowsAsync<ArgumentException>(async () => await fixture.Hybrid.GetOrCreateAsync(other, _ => new ValueTask<string>(huge)));
        Assert.Contains("Nothing was stored", created.Message, StringComparison.Ordinal);
        Assert.Null(await fixture.Cache.GetAsync(AdapterClusterFixture.HybridKey(other)));
    }

    [Fact]
    public async Task AFactoryThatThrows_CachesNothing()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await fixture.Hybrid.GetOrCreateAsync<int>(_key, _ => throw new InvalidOperationException("source down")));

        Assert.Equal(7, await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<int>(7)));
    }

    [Fact]
    public async Task AnEntryThatIsNotAnAdapterValue_IsNotServed_AndNotOverwritten()
    {
        // Something else wrote into the adapter's namespace: a plain answer, not a HybridCache value.
        var key = AdapterClusterFixture.HybridKey(_key);
        await fixture.Cache.SetAsync(key, new CachedResponse("Paris.", "gpt-4"));

        Assert.Equal("from the factory", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("from the factory")));

        Assert.Equal("Paris.", (await fixture.Cache.GetAsync(key))?.Response.Content);
    }

    [Fact]
    public async Task AValueWrittenAsAnotherType_IsAMiss_AndTheFactorysValueReplacesIt()
    {
        await fixture.Hybrid.SetAsync(_key, "not an order");
        var calls = 0;

        var order = await fixture.Hybrid.GetOrCreateAsync(_key, _ => { calls++; return new ValueTask<TestSerializers.Order>(new TestSerializers.Order(1, "tea")); });
        var again = await fixture.Hybrid.GetOrCreateAsync(_key, _ => { calls++; return new ValueTask<TestSerializers.Order>(new TestSerializers.Order(2, "coffee")); });

        Assert.Equal(new TestSerializers.Order(1, "tea"), order);
        Assert.Equal(order, again);
        Assert.Equal(1, calls);
    }
}
