using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Client.Diagnostics;
using static OrleansLlmCache.Tests.Adapters.AdapterAppServersFixture;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// What HybridCache cannot do across servers and the adapter does: one factory call for a key whatever the app server,
/// and removals seen by every app server, including the copy in its L1, before they return. Also the local-cache flags,
/// which need a subscribed app server's L1.
/// </summary>
[Collection(AdapterAppServersCollection.Name)]
[Trait("Category", "Integration")]
public sealed class HybridCacheAcrossAppServersTests(AdapterAppServersFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _key = "across:" + Guid.NewGuid().ToString("N");
    private readonly string _tag = "tag-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ConcurrentCallersOnTwoAppServers_ShareOneFactoryCall()
    {
        var factory = new GatedFactory();
        var callers = Enumerable.Range(0, 16)
            .Select(i => Hybrid(i % 2 == 0 ? fixture.A : fixture.B).GetOrCreateAsync(_key, factory.CreateAsync).AsTask())
            .ToArray();
        await factory.WaitForFirstCallAsync();
        factory.Release();
        var values = await Task.WhenAll(callers).WaitAsync(Patience);

        Assert.Equal(1, factory.Calls);
        Assert.All(values, v => Assert.Equal(values[0], v));
    }

    [Fact]
    public async Task ARemovalOnOneAppServer_IsSeenByTheOther()
    {
        var first = await Hybrid(fixture.A).GetOrCreateAsync(_key, NewGuid);
        Assert.Equal(first, await Hybrid(fixture.B).GetOrCreateAsync(_key, NewGuid)); // now in B's L1 too

        await Hybrid(fixture.A).RemoveAsync(_key);

        var second = await Hybrid(fixture.B).GetOrCreateAsync(_key, NewGuid);
        Assert.NotEqual(first, second);
        Assert.Equal(second, await Hybrid(fixture.A).GetOrCreateAsync(_key, NewGuid));
    }

    [Fact]
    public async Task ARemovalByTagOnOneAppServer_IsSeenByTheOther()
    {
        var first = await Hybrid(fixture.A).GetOrCreateAsync(_key, NewGuid, tags: [_tag]);
        Assert.Equal(first, await Hybrid(fixture.B).GetOrCreateAsync(_key, NewGuid));

        await Hybrid(fixture.A).RemoveByTagAsync(_tag);

        Assert.NotEqual(first, await Hybrid(fixture.B).GetOrCreateAsync(_key, NewGuid));
    }

    [Fact]
    public async Task RemovingEverythingOnOneAppServer_IsSeenByTheOther()
    {
        var first = await Hybrid(fixture.B).GetOrCreateAsync(_key, NewGuid);
        Assert.Equal(first, await Hybrid(fixture.A).GetOrCreateAsync(_key, NewGuid));

        await Hybrid(fixture.B).RemoveByTagAsync("*");

        Assert.NotEqual(first, await Hybrid(fixture.A).GetOrCreateAsync(_key, NewGuid));
    }

    [Fact]
    public async Task ASetOnOneAppServer_ReplacesTheOthersCopy()
    {
        await Hybrid(fixture.A).SetAsync(_key, "first");
        Assert.Equal("first", await Hybrid(fixture.B).GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));

        await Hybrid(fixture.A).SetAsync(_key, "second");

        Assert.Equal("second", await Hybrid(fixture.B).GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));
    }

    [Fact]
    public async Task DisableLocalCacheRead_ReadsTheCluster_NotThisAppServersCopy()
    {
        var statistics = fixture.A.Services.GetRequiredService<LlmCacheStatistics>();
        var value = await Hybrid(fixture.A).GetOrCreateAsync(_key, NewGuid);
        var before = statistics.L1Hits;
        Assert.Equal(value, await Hybrid(fixture.A).GetOrCreateAsync(_key, NewGuid));
        Assert.Equal(before + 1, statistics.L1Hits); // without the flag: from L1

        var read = await Hybrid(fixture.A).GetOrCreateAsync(_key, NewGuid, new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCacheRead });

        Assert.Equal(value, read);
        Assert.Equal(before + 1, statistics.L1Hits);
    }

    [Fact]
    public async Task DisableLocalCacheWrite_LeavesNoCopyInThisAppServersL1()
    {
        var other = _key + ":other";
        var key = new OrleansLlmCache.Abstractions.Keys.CacheKey("default", "hybrid", _key);
        var otherKey = new OrleansLlmCache.Abstractions.Keys.CacheKey("default", "hybrid", other);

        var value = await Hybrid(fixture.A).GetOrCreateAsync(_key, NewGuid, new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCacheWrite });
        await Hybrid(fixture.A).GetOrCreateAsync(other, NewGuid);

        Assert.Null(L1(fixture.A).TryGet(key));
        Assert.NotNull(L1(fixture.A).TryGet(otherKey)); // without the flag, the app server keeps a copy
        Assert.Equal(value, await Hybrid(fixture.B).GetOrCreateAsync(_key, NewGuid)); // stored in the cluster all the same
    }

    private static ValueTask<Guid> NewGuid(CancellationToken cancellationToken) => new(Guid.NewGuid());
}
