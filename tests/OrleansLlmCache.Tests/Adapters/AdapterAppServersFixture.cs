using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Invalidation;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// A real silo on TCP and two app servers, A and B, each with both adapters registered as an app would
/// (<c>AddOrleansLlmCacheHybridCache()</c>, <c>AddOrleansLlmCacheDistributedCache()</c>) and L1 on: what one app server
/// stores, removes or invalidates through an adapter, the other must see.
/// </summary>
public sealed class AdapterAppServersFixture : IAsyncLifetime
{
    public TcpSilo Silo { get; private set; } = null!;

    public ClientHost A { get; private set; } = null!;

    public ClientHost B { get; private set; } = null!;

    public static HybridCache Hybrid(ClientHost host) => host.Services.GetRequiredService<HybridCache>();

    public static IDistributedCache Distributed(ClientHost host) => host.Services.GetRequiredService<IDistributedCache>();

    internal static L1Cache L1(ClientHost host) => host.Services.GetRequiredService<L1Cache>();

    public async Task InitializeAsync()
    {
        Silo = await TcpSilo.StartAsync(
            "adapters-" + Guid.NewGuid().ToString("N")[..8],
            configuration: new Dictionary<string, string?>
            {
                ["LlmCache:Invalidation:LeaseDuration"] = "00:00:05",
                ["LlmCache:Invalidation:RenewInterval"] = "00:00:00.250",
            });
        A = await ConnectAsync();
        B = await ConnectAsync();
        await TwoAppServersFixture.WaitUntilTrustedAsync(A);
        await TwoAppServersFixture.WaitUntilTrustedAsync(B);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Silo.DisposeAsync();
    }

    private Task<ClientHost> ConnectAsync() =>
        ClientHost.ConnectToGatewayAsync(
            Silo.GatewayPort,
            Silo.ClusterId,
            configure: o => o.InvalidationRenewInterval = TimeSpan.FromMilliseconds(250),
            services: s => s.AddOrleansLlmCacheHybridCache().AddOrleansLlmCacheDistributedCache());

}

[CollectionDefinition(Name)]
public sealed class AdapterAppServersCollection : ICollectionFixture<AdapterAppServersFixture>
{
    public const string Name = "adapters on two app servers";
}
