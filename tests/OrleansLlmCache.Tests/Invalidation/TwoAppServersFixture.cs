using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>
/// A real silo on TCP and two app servers (client hosts with L1 on) connected to it: what one app server invalidates
/// must stop being served by the other.
/// </summary>
public sealed class TwoAppServersFixture : IAsyncLifetime
{
    public TcpSilo Silo { get; private set; } = null!;

    public ClientHost A { get; private set; } = null!;

    public ClientHost B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = await TcpSilo.StartAsync(
            "inval-" + Guid.NewGuid().ToString("N")[..8],
            configuration: new Dictionary<string, string?>
            {
                ["LlmCache:Invalidation:LeaseDuration"] = "00:00:05",
                ["LlmCache:Invalidation:RenewInterval"] = "00:00:00.250",
            });
        A = await ConnectAsync();
        B = await ConnectAsync();
        await WaitUntilTrustedAsync(A);
        await WaitUntilTrustedAsync(B);
    }

    /// <summary>Another app server, with <paramref name="configure"/>'s settings besides the fixture's.</summary>
    public Task<ClientHost> ConnectAsync(Action<LlmCacheOptions>? configure = null) =>
        ClientHost.ConnectToGatewayAsync(Silo.GatewayPort, Silo.ClusterId, configure: o =>
        {
            o.InvalidationRenewInterval = TimeSpan.FromMilliseconds(250);
            configure?.Invoke(o);
        });

    /// <summary>Waits for an app server's first subscription, after which it fills and serves L1.</summary>
    public static Task WaitUntilTrustedAsync(ClientHost client)
    {
        var table = (OrleansLlmCache.Core.Invalidation.DependencyVersionTable)client.Services.GetService(typeof(OrleansLlmCache.Core.Invalidation.DependencyVersionTable))!;
        return Eventually.WaitUntilAsync(() => table.IsTrusted, TimeSpan.FromSeconds(30), () => "the app server did not subscribe to invalidations within 30 s");
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Silo.DisposeAsync();
    }

    public static ILlmCache Cache(ClientHost host) => host.Cache;
}

[CollectionDefinition(Name)]
public sealed class TwoAppServersCollection : ICollectionFixture<TwoAppServersFixture>
{
    public const string Name = "two app servers";
}
