using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;
using static OrleansLlmCache.Tests.RefreshAhead.Answers;

namespace OrleansLlmCache.Tests.RefreshAhead;

/// <summary>
/// Factory timeouts against the real cluster: past the soft timeout a caller takes fail-safe's stale answer while the
/// origin call goes on and its answer is stored; without a stale answer the soft timeout changes nothing; past the hard
/// timeout the caller gets <see cref="LlmCacheFactoryTimeoutException"/> and the answer is still stored when it comes.
/// The origins here answer only when the test lets them, so what a caller got before then did not wait for them. (A
/// waiter's timeouts need the silo's own waits to run on real time: <see cref="FactoryTimeoutAcrossAppServersTests"/>.)
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class FactoryTimeoutTests(ClusterFixture fixture)
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private static readonly LlmCacheEntryOptions Soft = new() { TimeToLive = TimeToLive, FailSafeMaxDuration = TimeSpan.FromHours(1), FactorySoftTimeout = Short };
    private static readonly LlmCacheEntryOptions Hard = new() { TimeToLive = TimeToLive, FactoryHardTimeout = Short };

    [Fact]
    public async Task PastTheSoftTimeout_TheStaleAnswerIsReturned_TheOriginGoesOn_AndItsAnswerIsStored()
    {
        var key = await ExpiredAsync();
        var origin = new GatedOrigin(Late);

        var result = await fixture.Cache.GetOrCreateAsync(key, origin.CallAsync, Soft).AsTask().WaitAsync(Patience);

        Assert.Equal((LlmCacheSource.Stale, Old), (result.Source, result.Response));
        Assert.Equal(1, origin.Calls);

        // The lease stays with the call going on: a caller that takes no stale answer waits for it, and the origin is not asked twice.
        var strict = fixture.Cache.GetOrCreateAsync(key, origin.CallAsync, LlmCacheEntryOptions.Expiring(TimeToLive)).AsTask();
        origin.Open();
        var waited = await strict.WaitAsync(Patience);
        Assert.Equal(Late, waited.Response);
        Assert.True(waited.IsHit, $"the strict caller got {waited.Source}"); // coalesced, or a hit if the answer was in first
        Assert.Equal(1, origin.Calls);
        Assert.Equal(Late, (await fixture.Cache.GetAsync(key))!.Response);
    }

    [Fact]
    public async Task WithoutAStaleAnswer_TheSoftTimeoutChangesNothing()
    {
        var key = TestKeys.Unique();
        var origin = new GatedOrigin(Late);

        var call = fixture.Cache.GetOrCreateAsync(key, origin.CallAsync, Soft).AsTask();
        await origin.WaitForCallAsync();
        await Task.WhenAny(call, Task.Delay(Short * 5));
        Assert.False(call.IsCompleted, "the call returned without the origin's answer, and had no stale answer to give");

        origin.Open();
        var result = await call.WaitAsync(Patience);
        Assert.Equal((LlmCacheSource.Origin, Late), (result.Source, result.Response));
    }

    [Fact]
    public async Task PastTheHardTimeout_TheCallerGetsATimeoutError_AndTheAnswerIsStoredWhenItComes()
    {
        var key = TestKeys.Unique();
        var origin = new GatedOrigin(Late);
        var refreshesBefore = fixture.Cache.Statistics.Refreshes;

        var error = await Assert.ThrowsAsync<LlmCacheFactoryTimeoutException>(() => fixture.Cache.GetOrCreateAsync(key, origin.CallAsync, Hard).AsTask().WaitAsync(Patience));
        Assert.IsAssignableFrom<TimeoutException>(error);
        Assert.Equal((key, Short), (error.Key, error.Timeout));
        Assert.Contains("FactoryHardTimeout", error.Message, StringComparison.Ordinal);

        Assert.Equal(1, origin.Calls);

        origin.Open();
        await Eventually.WaitUntilAsync(async () => await fixture.Cache.GetAsync(key) is not null, Patience, () => "the late answer was not stored");
        Assert.Equal(Late, (await fixture.Cache.GetAsync(key))!.Response);

        // Nobody waited for it: counted as a refresh, not a miss.
        await Eventually.WaitUntilAsync(() => fixture.Cache.Statistics.Refreshes == refreshesBefore + 1, Patience, () => "the late answer was not counted as a refresh");
    }

    [Fact]
    public async Task PastTheHardTimeout_AStaleAnswerIsReturned_WhenFailSafeHasOne()
    {
        var key = await ExpiredAsync();
        var origin = new GatedOrigin(Late);
        var hardWithFailSafe = new LlmCacheEntryOptions { TimeToLive = TimeToLive, FailSafeMaxDuration = TimeSpan.FromHours(1), FactoryHardTimeout = Short };

        var result = await fixture.Cache.GetOrCreateAsync(key, origin.CallAsync, hardWithFailSafe).AsTask().WaitAsync(Patience);

        Assert.Equal((LlmCacheSource.Stale, Old), (result.Source, result.Response));
        origin.Open();
        await Eventually.WaitUntilAsync(async () => (await fixture.Cache.GetAsync(key))?.Response == Late, Patience, () => "the late answer was not stored");
    }

    // An entry kept an hour past its expiry by fail-safe, expired a minute ago.
    private async Task<CacheKey> ExpiredAsync()
    {
        var key = TestKeys.Unique();
        var stored = await fixture.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(Old), new LlmCacheEntryOptions { TimeToLive = TimeToLive, FailSafeMaxDuration = TimeSpan.FromHours(1) });
        Assert.Equal(LlmCacheSource.Origin, stored.Source);
        fixture.Time.Advance(TimeToLive + TimeSpan.FromMinutes(1));
        return key;
    }
}
