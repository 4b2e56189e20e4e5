using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>Tag membership on the fake cache clock: expired and removed entries leave it, so tags do not grow forever.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MembershipTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ExpiredAndRemovedEntries_LeaveTheirTags()
    {
        var tenant = "m" + Guid.NewGuid().ToString("N")[..10];
        var cache = fixture.Cache;
        for (var i = 0; i < 5; i++)
        {
            await cache.SetAsync(new(tenant, "ns", $"short-{i}"), new CachedResponse("x", "gpt-4"), new LlmCacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(1), Tags = ["big"] });
            await cache.SetAsync(new(tenant, "ns", $"long-{i}"), new CachedResponse("x", "gpt-4"), new LlmCacheEntryOptions { NoExpiry = true, Tags = ["big"] });
        }

        await cache.RemoveAsync(new(tenant, "ns", "long-0"));
        fixture.Time.Advance(TimeSpan.FromMinutes(2));

        var result = await cache.InvalidateTagAsync("big", tenant);
        Assert.Equal(4, result.EntriesReached); // long-1..4: the short ones expired, long-0 was removed
    }

    [Fact]
    public async Task RewriteWithoutATag_LeavesThatTag()
    {
        var tenant = "r" + Guid.NewGuid().ToString("N")[..10];
        var key = new OrleansLlmCache.Abstractions.Keys.CacheKey(tenant, "ns", "doc");
        await fixture.Cache.SetAsync(key, new CachedResponse("v1", "gpt-4"), new LlmCacheEntryOptions { Tags = ["old"] });
        await fixture.Cache.SetAsync(key, new CachedResponse("v2", "gpt-4"), new LlmCacheEntryOptions { Tags = ["new"] });

        Assert.Equal(0, (await fixture.Cache.InvalidateTagAsync("old", tenant)).EntriesReached);
        Assert.Equal("v2", (await fixture.Cache.GetAsync(key))?.Response.Content);
        Assert.Equal(1, (await fixture.Cache.InvalidateTagAsync("new", tenant)).EntriesReached);
        Assert.Null(await fixture.Cache.GetAsync(key));
    }
}
