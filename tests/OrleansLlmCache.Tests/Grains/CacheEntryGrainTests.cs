using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Grains;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CacheEntryGrainTests(ClusterFixture fixture)
{
    private static readonly CachedResponse Answer = new("Paris.", "gpt-4", PromptTokens: 12, CompletionTokens: 3);

    [Fact]
    public async Task Set_ThenGet_ReturnsTheResponseAndItsMetadata()
    {
        var key = TestKeys.Unique();
        var stored = await fixture.Cache.SetAsync(key, Answer, LlmCacheEntryOptions.Expiring(TimeSpan.FromHours(1)));

        var first = await fixture.Cache.GetAsync(key);
        var second = await fixture.Cache.GetAsync(key);

        Assert.Equal(Answer, first!.Response);
        Assert.Equal(fixture.Time.GetUtcNow(), stored.CreatedAt);
        Assert.Equal(stored.CreatedAt + TimeSpan.FromHours(1), first.ExpiresAt);
        Assert.Equal(1, first.HitCount);
        Assert.Equal(2, second!.HitCount);
    }

    [Fact]
    public async Task Entry_IsServedUntilItsExpiry_AndNeverAfter()
    {
        var key = TestKeys.Unique();
        await fixture.Cache.SetAsync(key, Answer, LlmCacheEntryOptions.Expiring(TimeSpan.FromMinutes(10)));

        fixture.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await fixture.Cache.GetAsync(key));

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await fixture.Cache.GetAsync(key));

        // An expired entry is a miss for get-or-create too: the origin is asked again.
        var calls = 0;
        var result = await fixture.Cache.GetOrCreateAsync(key, _ => { calls++; return ValueTask.FromResult(Answer with { Content = "Paris, again." }); });
        Assert.Equal(1, calls);
        Assert.Equal(LlmCacheSource.Origin, result.Source);
    }

    [Fact]
    public async Task Entry_WithoutTimeToLive_NeverExpires()
    {
        var key = TestKeys.Unique();
        var stored = await fixture.Cache.SetAsync(key, Answer, LlmCacheEntryOptions.NeverExpire);
        fixture.Time.Advance(TimeSpan.FromDays(400));
        Assert.Null(stored.ExpiresAt);
        Assert.NotNull(await fixture.Cache.GetAsync(key));
    }

    [Fact]
    public async Task Remove_MakesTheEntryMiss_AndSaysWhetherOneWasThere()
    {
        var key = TestKeys.Unique();
        await fixture.Cache.SetAsync(key, Answer);
        Assert.True(await fixture.Cache.RemoveAsync(key));
        Assert.Null(await fixture.Cache.GetAsync(key));
        Assert.False(await fixture.Cache.RemoveAsync(key));
    }

    [Fact]
    public async Task Grain_RefusesAnOversizedResponse_NamingTheField()
    {
        // Straight to the grain, past the client's own check: the silo must refuse it too.
        var grain = fixture.Grains.GetGrain<ICacheEntryGrain>(TestKeys.Unique().ToGrainKey());
        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await grain.SetAsync(Answer with { Content = new string('x', LlmCacheLimits.MaxResponseBytes + 1) }, new EntryWriteOptions(null)));
        Assert.Contains("bytes", error.Message, StringComparison.Ordinal);
        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task Grain_RefusesATimeToLiveOutOfRange()
    {
        var grain = fixture.Grains.GetGrain<ICacheEntryGrain>(TestKeys.Unique().ToGrainKey());
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await grain.SetAsync(Answer, new EntryWriteOptions(TimeSpan.FromDays(400))));
        Assert.Contains("time to live", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_RefusesBadInput_BeforeCallingTheCluster()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await fixture.Cache.SetAsync(TestKeys.Unique(), Answer with { Model = "" }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await fixture.Cache.GetAsync(new("t", "bad namespace", "k")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await fixture.Cache.SetAsync(TestKeys.Unique(), Answer, LlmCacheEntryOptions.Expiring(TimeSpan.FromMilliseconds(10))));
    }
}
