using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Grains.Diagnostics;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Grains;

/// <summary>A thousand identical misses make one origin call; a failing caller never leaves the others stuck.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SingleFlightTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HundredConcurrentMisses_MakeOneOriginCall_AndAllGetItsAnswer()
    {
        var key = TestKeys.Unique();
        var calls = 0;
        var release = new TaskCompletionSource();
        async ValueTask<CachedResponse> Origin(CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            await release.Task.WaitAsync(ct);
            return new CachedResponse("the one answer", "gpt-4", 100, 200);
        }

        var callers = Enumerable.Range(0, 100).Select(_ => fixture.Cache.GetOrCreateAsync(key, Origin).AsTask()).ToList();
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1, "the first caller to reach the origin");
        release.SetResult();
        var results = await Task.WhenAll(callers).WaitAsync(Patience);

        Assert.Equal(1, calls);
        Assert.All(results, r => Assert.Equal("the one answer", r.Response.Content));
        Assert.Single(results, r => r.Source == LlmCacheSource.Origin);
        Assert.All(results.Where(r => r.Source != LlmCacheSource.Origin), r => Assert.True(r.IsHit));
    }

    [Fact]
    public async Task FirstCallerFails_WaitersAreReleased_OneTakesOver_AndTheFailureIsNotCached()
    {
        var key = TestKeys.Unique();
        var calls = 0;
        var firstMayFail = new TaskCompletionSource();
        async ValueTask<CachedResponse> Origin(CancellationToken ct)
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await firstMayFail.Task.WaitAsync(ct);
                throw new InvalidOperationException("origin is down");
            }

            return new CachedResponse("second try", "gpt-4");
        }

        var first = fixture.Cache.GetOrCreateAsync(key, Origin).AsTask();
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1, "the first caller to hold the lease");
        var parked = LeaseWaits;
        var waiters = Enumerable.Range(0, 99).Select(_ => fixture.Cache.GetOrCreateAsync(key, Origin).AsTask()).ToList();
        await WaitUntilAsync(() => LeaseWaits >= parked + 99, "the waiters to park on the lease");
        firstMayFail.SetResult();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => first.WaitAsync(Patience));
        Assert.Equal("origin is down", error.Message);
        var results = await Task.WhenAll(waiters).WaitAsync(Patience);

        Assert.Equal(2, calls);
        Assert.All(results, r => Assert.Equal("second try", r.Response.Content));
        Assert.Equal("second try", (await fixture.Cache.GetAsync(key))!.Response.Content);
    }

    [Fact]
    public async Task CancelledLeaseholder_ReleasesTheLease_AndCachesNothing()
    {
        var key = TestKeys.Unique();
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var first = fixture.Cache.GetOrCreateAsync(
            key,
            async ct =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return new CachedResponse("never", "gpt-4");
            },
            cancellationToken: cancel.Token).AsTask();
        await started.Task.WaitAsync(Patience);
        var parked = LeaseWaits;
        var waiter = fixture.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(new CachedResponse("from the waiter", "gpt-4"))).AsTask();
        await WaitUntilAsync(() => LeaseWaits > parked, "the waiter to park on the lease");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Patience));
        var result = await waiter.WaitAsync(Patience);
        Assert.Equal("from the waiter", result.Response.Content);
        Assert.Equal(LlmCacheSource.Origin, result.Source);
    }

    [Fact]
    public async Task LeaseholderThatVanishes_IsTakenOverWhenTheLeaseExpires()
    {
        // A caller that took the lease and died (never completes, never releases).
        var grain = fixture.Grains.GetGrain<ICacheEntryGrain>(TestKeys.Unique().ToGrainKey());
        var abandoned = await grain.GetOrLeaseAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(LeaseStatus.Granted, abandoned.Status);

        // While the lease is live, others wait, and are told "pending" when their wait is over...
        Assert.Equal(LeaseStatus.Pending, await WaitOneSecondAsync(grain));

        // ...and once it has expired, the next caller takes it over.
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        var takeover = await grain.GetOrLeaseAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(LeaseStatus.Granted, takeover.Status);
        Assert.NotEqual(abandoned.LeaseId, takeover.LeaseId);

        // The old holder's late release must not free the new holder's lease.
        await grain.ReleaseLeaseAsync(abandoned.LeaseId);
        Assert.Equal(LeaseStatus.Pending, await WaitOneSecondAsync(grain));
        await grain.CompleteLeaseAsync(takeover.LeaseId, new CachedResponse("late but fine", "gpt-4"), new EntryWriteOptions(null));
        Assert.Equal(LeaseStatus.Hit, (await grain.GetOrLeaseAsync(TimeSpan.FromSeconds(1))).Status);
    }

    /// <summary>Asks for the lease with a one-second wait and lets that second pass on the cache's fake clock.</summary>
    private async Task<LeaseStatus> WaitOneSecondAsync(ICacheEntryGrain grain)
    {
        var call = grain.GetOrLeaseAsync(TimeSpan.FromSeconds(1)).AsTask();
        await Task.Delay(200); // let the call park on the lease
        Assert.False(call.IsCompleted, "a caller must wait while another holds a live lease");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        return (await call.WaitAsync(Patience)).Status;
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) =>
        Eventually.WaitUntilAsync(condition, Patience, () => $"Timed out waiting for {what}.");

    // Waits begun by the fixture's silo's entry grains: tests of this collection run one at a time, so a rise is this test's.
    private long LeaseWaits => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<SiloCacheMetrics>().LeaseWaits;
}
