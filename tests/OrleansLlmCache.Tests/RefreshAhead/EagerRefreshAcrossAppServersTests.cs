using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;
using OrleansLlmCache.Tests.Infrastructure;
using OrleansLlmCache.Tests.Invalidation;
using static OrleansLlmCache.Tests.RefreshAhead.Answers;

namespace OrleansLlmCache.Tests.RefreshAhead;

/// <summary>
/// Eager refresh on a real silo and two app servers with L1 (real time: entries live 10 s and are due after 1 s): hits
/// from both, L1 hits included, return the cached answer at once and the origin is asked once across the cluster; both
/// serve the refreshed answer after, from L1 too. And jittered lifetimes stay within their bound.
/// </summary>
[Collection(TwoAppServersCollection.Name)]
[Trait("Category", "Integration")]
public sealed class EagerRefreshAcrossAppServersTests(TwoAppServersFixture fixture)
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(10);

    // Due a tenth into its life; the reads that check the outcome refresh nothing themselves.
    private static readonly LlmCacheEntryOptions RefreshAtTenth = new() { TimeToLive = TimeToLive, EagerRefreshThreshold = 0.1 };
    private static readonly LlmCacheEntryOptions NoRefresh = new() { TimeToLive = TimeToLive, EagerRefreshThreshold = 0 };

    [Fact]
    public async Task ConcurrentHitsOnTwoAppServers_PastTheThreshold_AnswerAtOnce_AskTheOriginOnce_AndServeTheRefreshedAnswerAfter()
    {
        var (a, b) = (fixture.A.Cache, fixture.B.Cache);
        var key = await StoredDueAsync(a);
        Assert.Equal(Old, (await b.GetOrCreateAsync(key, Unexpected, NoRefresh)).Response); // B holds it in L1 too
        var origin = new GatedOrigin(Fresh);
        var (l1HitsA, l1HitsB) = (a.Statistics.L1Hits, b.Statistics.L1Hits);
        var refreshesBefore = a.Statistics.Refreshes + b.Statistics.Refreshes;

        var hits = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => (i % 2 == 0 ? a : b).GetOrCreateAsync(key, origin.CallAsync, RefreshAtTenth).AsTask())).WaitAsync(Patience);

        Assert.All(hits, h => Assert.Equal((LlmCacheSource.Hit, Old), (h.Source, h.Response)));
        Assert.Equal((l1HitsA + 10, l1HitsB + 10), (a.Statistics.L1Hits, b.Statistics.L1Hits));
        await origin.WaitForCallAsync();
        origin.Open();
        await Eventually.WaitUntilAsync(() => a.Statistics.Refreshes + b.Statistics.Refreshes > refreshesBefore, Patience, () => "the refresh did not finish");
        Assert.Equal(1, origin.Calls);

        // The refresh replaced a live entry, so both app servers' copies were evicted; each reads the new answer, then has it in L1.
        foreach (var cache in new[] { a, b })
        {
            Assert.Equal(Fresh, (await cache.GetOrCreateAsync(key, Unexpected, NoRefresh)).Response);
            var l1Hits = cache.Statistics.L1Hits;
            Assert.Equal(Fresh, (await cache.GetOrCreateAsync(key, Unexpected, NoRefresh)).Response);
            Assert.Equal(l1Hits + 1, cache.Statistics.L1Hits);
        }

        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public async Task AnL1HitAlone_PastTheThreshold_RefreshesTheEntry()
    {
        var a = fixture.A.Cache;
        var key = await StoredDueAsync(a);
        var l1Hits = a.Statistics.L1Hits;
        var origin = new GatedOrigin(Fresh);
        origin.Open();

        var hit = await a.GetOrCreateAsync(key, origin.CallAsync, RefreshAtTenth);

        Assert.Equal((LlmCacheSource.Hit, Old, l1Hits + 1), (hit.Source, hit.Response, a.Statistics.L1Hits));
        await Eventually.WaitUntilAsync(async () => (await a.GetAsync(key))?.Response == Fresh, Patience, () => "the L1 hit did not refresh the entry");
        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public async Task JitteredLifetimes_SpreadWithinTheirBound()
    {
        var jitter = TimeSpan.FromMinutes(10);
        await using var jittered = await fixture.ConnectAsync(o => o.TimeToLiveJitter = jitter);
        var lifetimes = new List<TimeSpan>();
        for (var i = 0; i < 40; i++)
        {
            var entry = await jittered.Cache.SetAsync(TestKeys.Unique(), Old, LlmCacheEntryOptions.Expiring(TimeSpan.FromHours(1)));
            lifetimes.Add(entry.ExpiresAt!.Value - entry.CreatedAt);
        }

        Assert.All(lifetimes, l => Assert.InRange(l, TimeSpan.FromHours(1), TimeSpan.FromHours(1) + jitter));

        // Spread over the bound, not bunched: with 40 draws, both ends' quarters are reached (each misses with odds of 1e-5).
        Assert.Contains(lifetimes, l => l < TimeSpan.FromHours(1) + (jitter / 4));
        Assert.Contains(lifetimes, l => l > TimeSpan.FromHours(1) + (jitter * 3 / 4));

        // Without jitter, every entry lives exactly its time to live.
        var plain = await fixture.A.Cache.SetAsync(TestKeys.Unique(), Old, LlmCacheEntryOptions.Expiring(TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromHours(1), plain.ExpiresAt!.Value - plain.CreatedAt);
    }

    // Stored through an app server (so in its L1), and waited for until due: a tenth of its life.
    private static async Task<CacheKey> StoredDueAsync(ILlmCache cache)
    {
        var key = TestKeys.Unique();
        var stored = await cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(Old), NoRefresh);
        Assert.Equal(LlmCacheSource.Origin, stored.Source);
        var entry = (await cache.GetAsync(key))!;
        var due = entry.RefreshDueAt(0.1)!.Value;
        await Eventually.WaitUntilAsync(() => DateTimeOffset.UtcNow >= due + TimeSpan.FromMilliseconds(50), Patience, () => "the entry did not become due");
        return key;
    }
}
