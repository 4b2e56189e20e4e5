using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>
/// One in-process silo (in-memory transport, test membership) with the cache's grains, memory storage and a fake cache
/// clock, plus a client host with <see cref="ILlmCache"/>. Tests share it and keep apart by using unique keys.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    // Only the silo's cache clock is fake; the app server reads an entry's expiry and creation on the real one. Started
    // years back, the fake clock stays behind the real one however far tests move it (a test moves it 400 days), so an
    // expiring entry is never kept in the app server's L1 beyond its expiry, and is never due for an eager refresh
    // there before it is on the silo: what the app server does with it stays the same whatever ran before.
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public ILlmCache Cache => Cluster.Client.ServiceProvider.GetRequiredService<ILlmCache>();

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrleansLlmCacheGrains(o => o.MaxWaitPerCall = TimeSpan.FromSeconds(5));
            silo.Services.Configure<OrleansLlmCache.Grains.Invalidation.InvalidationOptions>(o =>
            {
                o.LeaseDuration = TimeSpan.FromSeconds(2);
                o.RenewInterval = TimeSpan.FromMilliseconds(250);
            });
            silo.UseInMemoryLlmCacheStorage();

            // Only the cache's own clock is fake: the runtime keeps real time.
            silo.Services.AddKeyedSingleton<TimeProvider>(LlmCacheTime.ServiceKey, Time);
        });
        builder.ConfigureClientHost(host => host.Services.AddOrleansLlmCache(o =>
        {
            o.OperationTimeout = TimeSpan.FromSeconds(10);
            o.SingleFlightWaitPerCall = TimeSpan.FromSeconds(2);
            o.RecordMissedRequestsForWarming = true; // ScheduledCandidateWarmerTests warm what the middleware recorded
        }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
