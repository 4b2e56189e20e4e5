namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// HybridCache's StampedeTests against the cluster: concurrent callers of one key share one factory call. Here the
/// sharing is the key's single-flight lease in the cluster, so each caller's cancellation is its own, and a cancelled
/// caller that held the lease hands the call to one still waiting.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class HybridCacheStampedeTests(AdapterClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _key = "stampede:" + Guid.NewGuid().ToString("N");

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(10, false)]
    [InlineData(10, true)]
    public async Task MultipleCallsShareExecution_NoCancellation(int callerCount, bool canBeCanceled)
    {
        using var cts = canBeCanceled ? new CancellationTokenSource() : null;
        var token = cts?.Token ?? CancellationToken.None;

        var first = await RoundAsync(callerCount, token);
        await fixture.Hybrid.RemoveAsync(_key);
        var second = await RoundAsync(callerCount, token);

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public async Task MultipleCallsShareExecution_MostCancel(int callerCount)
    {
        // The caller making the factory call goes on; every caller waiting for it cancels, each by its own token.
        var factory = new GatedFactory();
        var remaining = fixture.Hybrid.GetOrCreateAsync(_key, factory.CreateAsync).AsTask();
        await factory.WaitForFirstCallAsync();
        var cancels = Enumerable.Range(1, callerCount - 1).Select(_ => new CancellationTokenSource()).ToList();
        var waiters = cancels.Select(cancel => fixture.Hybrid.GetOrCreateAsync(_key, factory.CreateAsync, cancellationToken: cancel.Token).AsTask()).ToList();

        foreach (var cancel in cancels)
        {
            await cancel.CancelAsync();
        }

        for (var i = 0; i < waiters.Count; i++)
        {
            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiters[i].WaitAsync(Patience));
            Assert.Equal(cancels[i].Token, error.CancellationToken);
        }

        factory.Release();
        var value = await remaining.WaitAsync(Patience);

        Assert.Equal(1, factory.Calls);
        Assert.Equal(value, await fixture.Hybrid.GetOrCreateAsync<Guid>(_key, _ => throw new InvalidOperationException("the value was cached")));
        cancels.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task ACancelledFactoryCall_CachesNothing_AndAWaitingCallerMakesItsOwn()
    {
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var first = fixture.Hybrid.GetOrCreateAsync(
            _key,
            async ct =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return "never";
            },
            cancellationToken: cancel.Token).AsTask();
        await started.Task.WaitAsync(Patience);
        var waiter = fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("from the waiter")).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Patience));
        Assert.Equal("from the waiter", await waiter.WaitAsync(Patience));
        Assert.Equal("from the waiter", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));
    }

    // N callers at once, the factory held until the first of them reaches it: one call, one value for all.
    private async Task<Guid> RoundAsync(int callerCount, CancellationToken token)
    {
        var factory = new GatedFactory();
        var results = Enumerable.Range(0, callerCount).Select(_ => fixture.Hybrid.GetOrCreateAsync(_key, factory.CreateAsync, cancellationToken: token).AsTask()).ToArray();
        await factory.WaitForFirstCallAsync();
        factory.Release();

        var values = await Task.WhenAll(results).WaitAsync(Patience);

        Assert.Equal(1, factory.Calls);
        Assert.All(values, v => Assert.Equal(values[0], v));
        return values[0];
    }
}
