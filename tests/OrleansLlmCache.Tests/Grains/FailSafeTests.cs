using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Grains;

/// <summary>
/// Fail-safe against the real cluster: an expired answer kept for its fail-safe duration is served, marked stale, when
/// the origin fails; never past that duration, never when invalidated or removed, and a failing origin is not asked again
/// by every caller while it is throttled.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class FailSafeTests(ClusterFixture fixture)
{
    private static readonly CachedResponse Answer = new("Paris.", "gpt-4", PromptTokens: 12, CompletionTokens: 3);
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(10);
    private static readonly LlmCacheEntryOptions KeptAnHour = new() { TimeToLive = TimeToLive, FailSafeMaxDuration = TimeSpan.FromHours(1) };

    [Fact]
    public async Task ExpiredAnswer_IsServedStale_WhenTheOriginFails()
    {
        var key = await StoredAsync(KeptAnHour);
        fixture.Time.Advance(TimeToLive + TimeSpan.FromMinutes(5));

        var result = await fixture.Cache.GetOrCreateAsync(key, Failing, KeptAnHour);

        Assert.Equal(LlmCacheSource.Stale, result.Source);
        Assert.Equal(Answer, result.Response);
        Assert.False(result.IsHit);
        Assert.NotNull(result.StoredAt);
        Assert.Null(await fixture.Cache.GetAsync(key)); // stale only stands in for a failing origin: a read still misses
    }

    [Fact]
    public async Task WithoutFailSafe_TheOriginsErrorReachesTheCaller()
    {
        var key = await StoredAsync(LlmCacheEntryOptions.Expiring(TimeToLive));
        fixture.Time.Advance(TimeToLive + TimeSpan.FromSeconds(1));

        // The request accepts an hour-old answer, but nothing was kept past its expiry.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await fixture.Cache.GetOrCreateAsync(key, Failing, KeptAnHour));
        Assert.Equal("origin down", error.Message);
    }

    [Fact]
    public async Task PastTheFailSafeDuration_TheOriginsErrorReachesTheCaller()
    {
        var key = await StoredAsync(KeptAnHour);
        fixture.Time.Advance(TimeToLive + TimeSpan.FromHours(1));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await fixture.Cache.GetOrCreateAsync(key, Failing, KeptAnHour));
    }

    [Fact]
    public async Task ARequestThatAcceptsLessStaleness_GetsTheError()
    {
        var key = await StoredAsync(KeptAnHour);
        fixture.Time.Advance(TimeToLive + TimeSpan.FromMinutes(30));

        var strict = new LlmCacheEntryOptions { TimeToLive = TimeToLive, FailSafeMaxDuration = TimeSpan.FromMinutes(10) };
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await fixture.Cache.GetOrCreateAsync(key, Failing, strict));
        var off = new LlmCacheEntryOptions { TimeToLive = TimeToLive, FailSafeMaxDuration = TimeSpan.Zero };
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await fixture.Cache.GetOrCreateAsync(key, Failing, off));
    }

    [Fact]
    public async Task AfterAFailure_TheOriginIsNotAskedAgainUntilTheThrottlePasses()
    {
        var key = await StoredAsync(KeptAnHour);
        fixture.Time.Advance(TimeToLive + TimeSpan.FromMinutes(1));
        Assert.Equal(LlmCacheSource.Stale, (await fixture.Cache.GetOrCreateAsync(key, Failing, KeptAnHour)).Source);

        var calls = 0;
        ValueTask<CachedResponse> Recovered(CancellationToken _)
        {
            calls++;
            return ValueTask.FromResult(Answer with { Content = "Paris, fresh." });
        }

        // Within the throttle (30 s by default) the stale answer is served without asking the origin.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(LlmCacheSource.Stale, (await fixture.Cache.GetOrCreateAsync(key, Recovered, KeptAnHour)).Source);
        }

        Assert.Equal(0, calls);

        // A caller that does not accept stale answers is not held back by the throttle: it asks the origin.
        var strict = new LlmCacheEntryOptions { TimeToLive = TimeToLive, FailSafeMaxDuration = TimeSpan.Zero };
        var own = await fixture.Cache.GetOrCreateAsync(key, Recovered, strict);
        Assert.Equal(LlmCacheSource.Origin, own.Source);
        Assert.Equal(1, calls);
        Assert.Equal("Paris, fresh.", (await fixture.Cache.GetOrCreateAsync(key, Failing, KeptAnHour)).Response.Content);
    }

    [Fact]
    public async Task OnceTheThrottlePasses_TheOriginIsAskedAgain_AndItsAnswerStored()
    {
        var key = await StoredAsync(KeptAnHour);
        fixture.Time.Advance(TimeToLive + TimeSpan.FromMinutes(1));
        Assert.Equal(LlmCacheSource.Stale, (await fixture.Cache.GetOrCreateAsync(key, Failing, KeptAnHour)).Source);

        fixture.Time.Advance(TimeSpan.FromSeconds(31));
        var fresh = await fixture.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(Answer with { Content = "Paris, fresh." }), KeptAnHour);

        Assert.Equal(LlmCacheSource.Origin, fresh.Source);
        Assert.Equal("Paris, fresh.", (await fixture.Cache.GetAsync(key))!.Response.Content);
    }

    [Fact]
    public async Task InvalidatedOrRemovedEntries_AreNeverServedStale()
    {
        var tag = "catalog-" + Guid.NewGuid().ToString("N")[..8];
        var tagged = await StoredAsync(new LlmCacheEntryOptions { TimeToLive = TimeToLive, FailSafeMaxDuration = TimeSpan.FromHours(1), Tags = [tag] });
        var removed = await StoredAsync(KeptAnHour);
        fixture.Time.Advance(TimeToLive + TimeSpan.FromMinutes(1));

        await fixture.Cache.InvalidateTagAsync(tag, tagged.Tenant);
        await fixture.Cache.RemoveAsync(removed);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await fixture.Cache.GetOrCreateAsync(tagged, Failing, KeptAnHour));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await fixture.Cache.GetOrCreateAsync(removed, Failing, KeptAnHour));
    }

    [Fact]
    public async Task TheCallersOwnCancellation_IsNotAnsweredStale()
    {
        var key = await StoredAsync(KeptAnHour);
        fixture.Time.Advance(TimeToLive + TimeSpan.FromMinutes(1));
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await fixture.Cache.GetOrCreateAsync(key, ct =>
        {
            cancel.Cancel();
            ct.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Answer);
        }, KeptAnHour, cancel.Token));
    }

    [Fact]
    public async Task ConcurrentCallers_DuringAnOriginFailure_MakeOneOriginCall_AndAllGetTheStaleAnswer()
    {
        var key = await StoredAsync(KeptAnHour);
        fixture.Time.Advance(TimeToLive + TimeSpan.FromMinutes(1));
        var calls = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<CachedResponse> FailingSlowly(CancellationToken _)
        {
            Interlocked.Increment(ref calls);
            started.TrySetResult();
            await fail.Task;
            throw new InvalidOperationException("origin down");
        }

        var first = fixture.Cache.GetOrCreateAsync(key, FailingSlowly, KeptAnHour).AsTask();
        await started.Task;
        var others = Enumerable.Range(0, 5).Select(_ => fixture.Cache.GetOrCreateAsync(key, FailingSlowly, KeptAnHour).AsTask()).ToList();
        fail.SetResult();

        var results = await Task.WhenAll(others.Prepend(first));
        Assert.All(results, r => Assert.Equal(LlmCacheSource.Stale, r.Source));
        Assert.All(results, r => Assert.Equal(Answer, r.Response));
        Assert.Equal(1, calls);
    }

    private static ValueTask<CachedResponse> Failing(CancellationToken cancellationToken) =>
        ValueTask.FromException<CachedResponse>(new InvalidOperationException("origin down"));

    private async Task<CacheKey> StoredAsync(LlmCacheEntryOptions options)
    {
        var key = TestKeys.Unique();
        var stored = await fixture.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(Answer), options);
        Assert.Equal(LlmCacheSource.Origin, stored.Source);
        return key;
    }
}
