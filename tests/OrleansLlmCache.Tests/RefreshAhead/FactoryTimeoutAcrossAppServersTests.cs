using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;
using OrleansLlmCache.Tests.Invalidation;
using static OrleansLlmCache.Tests.RefreshAhead.Answers;

namespace OrleansLlmCache.Tests.RefreshAhead;

/// <summary>
/// Factory timeouts of a caller that waits for another app server's origin call (a real silo: the grain's waits run on
/// real time): past its soft timeout it takes fail-safe's stale answer, past its hard timeout it gets
/// <see cref="LlmCacheFactoryTimeoutException"/>; the call it waited for goes on and is stored, and the origin is asked once.
/// </summary>
[Collection(TwoAppServersCollection.Name)]
[Trait("Category", "Integration")]
public sealed class FactoryTimeoutAcrossAppServersTests(TwoAppServersFixture fixture)
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan KeptAnHour = TimeSpan.FromHours(1);

    [Fact]
    public async Task AWaiterPastItsSoftTimeout_TakesTheStaleAnswer_WhileTheLeaseholderWaitsOn()
    {
        var key = await ExpiredAsync();
        var origin = new GatedOrigin(Late);
        var leaseholder = fixture.A.Cache.GetOrCreateAsync(key, origin.CallAsync, new LlmCacheEntryOptions { FailSafeMaxDuration = KeptAnHour }).AsTask();
        await origin.WaitForCallAsync();

        var soft = new LlmCacheEntryOptions { FailSafeMaxDuration = KeptAnHour, FactorySoftTimeout = Short };
        var waiter = await fixture.B.Cache.GetOrCreateAsync(key, origin.CallAsync, soft).AsTask().WaitAsync(Patience);

        Assert.Equal((LlmCacheSource.Stale, Old), (waiter.Source, waiter.Response));
        Assert.False(leaseholder.IsCompleted, "the leaseholder has no timeout: it waits for the origin");
        origin.Open();
        var own = await leaseholder.WaitAsync(Patience);
        Assert.Equal((LlmCacheSource.Origin, Late), (own.Source, own.Response));
        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public async Task PastTheirHardTimeouts_TheLeaseholderAndAWaiterGetTimeoutErrors_AndTheAnswerIsStoredWhenItComes()
    {
        var key = TestKeys.Unique();
        var origin = new GatedOrigin(Late);
        var hard = new LlmCacheEntryOptions { FactoryHardTimeout = Short };
        var refreshesBefore = fixture.A.Cache.Statistics.Refreshes;

        var own = await Assert.ThrowsAsync<LlmCacheFactoryTimeoutException>(() => fixture.A.Cache.GetOrCreateAsync(key, origin.CallAsync, hard).AsTask().WaitAsync(Patience));
        Assert.StartsWith("The origin did not answer", own.Message, StringComparison.Ordinal);

        // The call goes on under the lease: a caller on the other app server waits for it, up to its own hard timeout.
        var waiter = await Assert.ThrowsAsync<LlmCacheFactoryTimeoutException>(() => fixture.B.Cache.GetOrCreateAsync(key, origin.CallAsync, hard).AsTask().WaitAsync(Patience));
        Assert.StartsWith("Another caller's origin call", waiter.Message, StringComparison.Ordinal);
        Assert.Equal(1, origin.Calls);

        origin.Open();
        await Eventually.WaitUntilAsync(async () => (await fixture.B.Cache.GetAsync(key))?.Response == Late, Patience, () => "the late answer was not stored");
        await Eventually.WaitUntilAsync(() => fixture.A.Cache.Statistics.Refreshes == refreshesBefore + 1, Patience, () => "the late answer was not counted as a refresh");
        Assert.Equal(1, origin.Calls);
    }

    // Stored to live a second and be kept an hour past that, then waited for until it has expired.
    private async Task<CacheKey> ExpiredAsync()
    {
        var key = TestKeys.Unique();
        await fixture.A.Cache.SetAsync(key, Old, new LlmCacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(1), FailSafeMaxDuration = KeptAnHour });
        await Eventually.WaitUntilAsync(async () => await fixture.B.Cache.GetAsync(key) is null, Patience, () => "the entry did not expire");
        return key;
    }
}
