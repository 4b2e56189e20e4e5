using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Client.Adapters;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// One in-process silo whose cache clock the tests move, and one app server with both adapters (default options, tenant
/// <c>default</c>) and the serializers the serializer tests register as a HybridCache user would.
/// </summary>
/// <remarks>
/// The cache clock starts 30 days behind real time. The app server's L1 keeps real time, so it never holds an entry
/// that expires within 30 days: expiry is decided by the silo's clock alone, which the tests move.
/// </remarks>
public sealed class AdapterClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow - TimeSpan.FromDays(30));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IServiceProvider Services => Cluster.Client.ServiceProvider;

    public ILlmCache Cache => Services.GetRequiredService<ILlmCache>();

    public HybridCache Hybrid => Services.GetRequiredService<HybridCache>();

    public IDistributedCache Distributed => Services.GetRequiredService<IDistributedCache>();

    /// <summary>Where the HybridCache adapter keeps the value of <paramref name="key"/>.</summary>
    public static CacheKey HybridKey(string key) => new("default", "hybrid", AdapterKeys.MapId(key));

    /// <summary>Where the IDistributedCache adapter keeps the value of <paramref name="key"/>.</summary>
    public static CacheKey DistributedKey(string key) => new("default", "distributed", AdapterKeys.MapId(key));

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrleansLlmCacheGrains(o => o.MaxWaitPerCall = TimeSpan.FromSeconds(5));
            silo.UseInMemoryLlmCacheStorage();
            silo.Services.AddKeyedSingleton<TimeProvider>(LlmCacheTime.ServiceKey, Time);
        });
        builder.ConfigureClientHost(host =>
        {
            host.Services.AddOrleansLlmCache(o =>
            {
                o.OperationTimeout = TimeSpan.FromSeconds(10);
                o.SingleFlightWaitPerCall = TimeSpan.FromSeconds(2);
            });
            host.Services.AddOrleansLlmCacheHybridCache();
            host.Services.AddOrleansLlmCacheDistributedCache();
            TestSerializers.Register(host.Services);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AdapterClusterCollection : ICollectionFixture<AdapterClusterFixture>
{
    public const string Name = "adapters on one app server";
}
