using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;
using static OrleansLlmCache.Tests.RefreshAhead.Answers;

namespace OrleansLlmCache.Tests.RefreshAhead;

/// <summary>
/// Eager refresh against the real cluster (the silo's clock is fake, so "past the threshold" is exact): a hit past its
/// threshold returns the cached answer at once and the origin is asked once, in the background; the refreshed answer is
/// served after; a removal or an invalidation during the refresh is not undone; the grain grants a refresh lease only to
/// an entry that is due, live and not being computed.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class EagerRefreshTests(ClusterFixture fixture)
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(10);
    private static readonly LlmCacheEntryOptions RefreshAtNinety = new() { TimeToLive = TimeToLive, EagerRefreshThreshold = 0.9 };

    [Fact]
    public async Task TheGrain_GrantsARefreshLease_OnlyToADueLiveEntry_OnlyOnce_WithoutHoldingReadersBack()
    {
        var key = await StoredAsync(RefreshAtNinety);
        var grain = fixture.Grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey());

        fixture.Time.Advance(TimeToLive * 0.5);
        Assert.Null(await grain.TryLeaseForRefreshAsync(0.9)); // not due

        fixture.Time.Advance(TimeToLive * 0.45);
        var lease = await grain.TryLeaseForRefreshAsync(0.9);
        Assert.NotNull(lease);
        Assert.Equal(LeaseStatus.Granted, lease.Status);
        Assert.Equal(Old, lease.Entry!.Response);
        Assert.Null(await grain.TryLeaseForRefreshAsync(0.9)); // held: one refresh at a time, cluster-wide

        // Readers, the lease call of a get-or-create included, keep getting the live entry meanwhile.
        var read = await grain.GetOrLeaseAsync(TimeSpan.FromSeconds(1));
        Assert.Equal((LeaseStatus.Hit, Old), (read.Status, read.Entry!.Response));

        var stored = await grain.CompleteRefreshAsync(lease.LeaseId, Fresh, new EntryWriteOptions(TimeToLive, Versions: lease.Versions));
        Assert.Equal(Fresh, stored!.Response);
        Assert.Equal(Fresh, (await fixture.Cache.GetAsync(key))!.Response);
        Assert.Null(await grain.TryLeaseForRefreshAsync(0.9)); // the new entry is not due

        fixture.Time.Advance(TimeToLive + TimeSpan.FromSeconds(1));
        Assert.Null(await grain.TryLeaseForRefreshAsync(0.9)); // expired: a miss, not a refresh
    }

    [Fact]
    public async Task AHitPastTheThreshold_ReturnsTheCachedAnswerAtOnce_TheOriginIsAskedOnceInTheBackground_AndItsAnswerServedAfter()
    {
        var key = await StoredAsync(RefreshAtNinety);
        fixture.Time.Advance(TimeToLive * 0.95);
        var origin = new GatedOrigin(Fresh);
        var refreshesBefore = fixture.Cache.Statistics.Refreshes;
        var missesBefore = fixture.Cache.Statistics.Misses;

        // Twenty concurrent hits, all answered while the origin has not answered yet.
        var hits = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fixture.Cache.GetOrCreateAsync(key, origin.CallAsync, RefreshAtNinety).AsTask())).WaitAsync(Patience);
        Assert.All(hits, h => Assert.Equal((LlmCacheSource.Hit, Old), (h.Source, h.Response)));
        await origin.WaitForCallAsync();

        origin.Open();
        await Eventually.WaitUntilAsync(() => fixture.Cache.Statistics.Refreshes > refreshesBefore, Patience, () => "the refresh did not finish");

        var after = await fixture.Cache.GetOrCreateAsync(key, Unexpected, RefreshAtNinety);
        Assert.Equal((LlmCacheSource.Hit, Fresh), (after.Source, after.Response));
        Assert.Equal(1, origin.Calls);
        Assert.Equal(missesBefore, fixture.Cache.Statistics.Misses); // a refresh is not a miss
    }

    [Fact]
    public async Task WithoutAThreshold_AHitRefreshesNothing_AndAPlainReadNever()
    {
        var key = await StoredAsync(LlmCacheEntryOptions.Expiring(TimeToLive));
        fixture.Time.Advance(TimeToLive * 0.99);
        var grain = fixture.Grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey());

        var origin = new GatedOrigin(Fresh); // never opened: a refresh would hold the key's lease to the end
        Assert.Equal(LlmCacheSource.Hit, (await fixture.Cache.GetOrCreateAsync(key, origin.CallAsync, LlmCacheEntryOptions.Expiring(TimeToLive))).Source);
        Assert.NotNull(await fixture.Cache.GetAsync(key));

        // Had either started a refresh, its lease would be held and this would be refused.
        var lease = await grain.TryLeaseForRefreshAsync(0.9);
        Assert.NotNull(lease);
        await grain.ReleaseLeaseAsync(lease.LeaseId);
        Assert.Equal(0, origin.Calls);
    }

    [Fact]
    public async Task AnInvalidationDuringTheRefresh_IsNotUndone()
    {
        var tag = "refresh-" + Guid.NewGuid().ToString("N")[..8];
        var tagged = new LlmCacheEntryOptions { TimeToLive = TimeToLive, EagerRefreshThreshold = 0.9, Tags = [tag] };
        var key = await StoredAsync(tagged);

        await RefreshWhileAsync(key, tagged, () => fixture.Cache.InvalidateTagAsync(tag, key.Tenant).AsTask());

        Assert.Null(await fixture.Cache.GetAsync(key));
        var next = await fixture.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(Fresh with { Content = "Paris, after the invalidation." }), tagged);
        Assert.Equal((LlmCacheSource.Origin, "Paris, after the invalidation."), (next.Source, next.Response.Content));
    }

    [Fact]
    public async Task ARemovalDuringTheRefresh_IsNotUndone()
    {
        var key = await StoredAsync(RefreshAtNinety);

        await RefreshWhileAsync(key, RefreshAtNinety, async () => Assert.True(await fixture.Cache.RemoveAsync(key)));

        Assert.Null(await fixture.Cache.GetAsync(key));
    }

    [Fact]
    public async Task AFailedRefresh_GivesUpTheLease_AndTheCachedAnswerIsServedUntilItExpires()
    {
        var key = await StoredAsync(RefreshAtNinety);
        fixture.Time.Advance(TimeToLive * 0.95);
        var grain = fixture.Grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey());
        var calls = 0;
        ValueTask<CachedResponse> Failing(CancellationToken _)
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromException<CachedResponse>(new InvalidOperationException("origin down"));
        }

        Assert.Equal(Old, (await fixture.Cache.GetOrCreateAsync(key, Failing, RefreshAtNinety)).Response);
        await Eventually.WaitUntilAsync(() => Volatile.Read(ref calls) == 1, Patience, () => "the refresh did not call the origin");

        // Given up: another app server may try again (this one leaves the origin alone for the fail-safe throttle).
        LeaseResult? again = null;
        await Eventually.WaitUntilAsync(async () => (again = await grain.TryLeaseForRefreshAsync(0.9)) is not null, Patience, () => "the failed refresh kept its lease");
        await grain.ReleaseLeaseAsync(again!.LeaseId);
        Assert.Equal(Old, (await fixture.Cache.GetOrCreateAsync(key, Unexpected, RefreshAtNinety)).Response);
        Assert.Equal(1, calls);
    }

    // A hit past the threshold starts a refresh; while its origin call has not answered, something else happens to the
    // key; then the origin answers, and the refresh is over once it is counted.
    private async Task RefreshWhileAsync(CacheKey key, LlmCacheEntryOptions options, Func<Task> meanwhile)
    {
        fixture.Time.Advance(TimeToLive * 0.95);
        var origin = new GatedOrigin(Fresh);
        var refreshesBefore = fixture.Cache.Statistics.Refreshes;

        Assert.Equal(Old, (await fixture.Cache.GetOrCreateAsync(key, origin.CallAsync, options)).Response);
        await origin.WaitForCallAsync();
        await meanwhile();
        origin.Open();
        await Eventually.WaitUntilAsync(() => fixture.Cache.Statistics.Refreshes > refreshesBefore, Patience, () => "the refresh did not finish");
    }

    private async Task<CacheKey> StoredAsync(LlmCacheEntryOptions options)
    {
        var key = TestKeys.Unique();
        var stored = await fixture.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(Old), options);
        Assert.Equal(LlmCacheSource.Origin, stored.Source);
        return key;
    }
}
