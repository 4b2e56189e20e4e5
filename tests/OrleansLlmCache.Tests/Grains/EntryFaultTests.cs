using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Grains;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Grains;

/// <summary>
/// Entry reads while storage is slow or failing, on a silo of their own: its storage can hold one entry's write
/// (<see cref="GatedWriteStorage"/>), and reading an entry of the namespace <c>broken-read</c> fails on its grain.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EntryFaultTests : IAsyncLifetime
{
    private const string BrokenNamespace = "broken-read";
    private InProcessTestCluster _cluster = null!;
    private int _getCallsOfBrokenEntries;

    private IGrainFactory Grains => _cluster.Client;

    private ClusterReadBatcher Batcher => _cluster.Client.ServiceProvider.GetRequiredService<ClusterReadBatcher>();

    private GatedWriteStorage Storage => GatedWriteStorage.Of(_cluster.Silos[0].ServiceProvider);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrleansLlmCacheGrains();
            GatedWriteStorage.AddAsLlmCacheStorage(silo);
            silo.AddIncomingGrainCallFilter(async context =>
            {
                if (context.InterfaceMethod?.DeclaringType == typeof(ICacheEntryGrain) && context.TargetId.Key.ToString()!.Contains($"/{BrokenNamespace}/", StringComparison.Ordinal))
                {
                    switch (context.InterfaceMethod?.Name)
                    {
                        case nameof(ICacheEntryGrain.ReadAsync):
                            throw new InvalidOperationException("This entry cannot be read.");
                        case nameof(ICacheEntryGrain.GetAsync):
                            Interlocked.Increment(ref _getCallsOfBrokenEntries);
                            break;
                    }
                }

                await context.Invoke();
            });
        });
        builder.ConfigureClientHost(host => host.Services.AddOrleansLlmCache(o => o.OperationTimeout = TimeSpan.FromSeconds(10)));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AWriteNotYetDurable_IsNotServed_AndOneThatFails_NeverIs()
    {
        var key = TestKeys.Unique();
        var grain = Grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey());
        await grain.SetAsync(new CachedResponse("stored", "gpt-4"), new EntryWriteOptions(null));

        // The write waits on storage: readers, batched or not, are answered with what storage holds.
        var arrived = Storage.HoldNextWriteAsync(key.ToGrainKey());
        var failing = grain.SetAsync(new CachedResponse("never stored", "gpt-4"), new EntryWriteOptions(null)).AsTask();
        await arrived.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("stored", (await ReadAsync(key))?.Response.Content);
        Assert.Equal("stored", (await grain.GetAsync())?.Response.Content);

        Storage.Fail();
        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        Assert.Equal("stored", (await ReadAsync(key))?.Response.Content);

        // Once a write is durable it is served at once.
        arrived = Storage.HoldNextWriteAsync(key.ToGrainKey());
        var succeeding = grain.SetAsync(new CachedResponse("stored again", "gpt-4"), new EntryWriteOptions(null)).AsTask();
        await arrived.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("stored", (await ReadAsync(key))?.Response.Content);
        Storage.LetThrough();
        await succeeding;
        Assert.Equal("stored again", (await ReadAsync(key))?.Response.Content);
        Assert.Equal("stored again", (await grain.GetAsync())?.Response.Content);
    }

    [Fact]
    public async Task ABatchedReadThatFails_FailsItsCaller_WithoutAskingTheEntryAgain()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAsync(TestKeys.Unique(BrokenNamespace)));

        Assert.Contains("cannot be read", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref _getCallsOfBrokenEntries));
    }

    // A caller the batcher lost fails the test instead of hanging it.
    private Task<CacheEntry?> ReadAsync(CacheKey key) => Batcher.Read(key.ToGrainKey()).WaitAsync(TimeSpan.FromSeconds(30));
}
