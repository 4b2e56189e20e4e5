using OrleansLlmCache.Tests.Invalidation;

namespace OrleansLlmCache.Tests.PerRequest;

/// <summary>
/// One silo on loopback TCP (the real clock, so that entries with a lifetime are kept in L1) and one app server that
/// serves L1, shared by a test class whose tests keep apart by namespace.
/// </summary>
public sealed class PerRequestClusterFixture : IAsyncLifetime
{
    public TcpSilo Silo { get; private set; } = null!;

    public ClientHost Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = await TcpSilo.StartAsync("per-request-" + Guid.NewGuid().ToString("N")[..8]);
        Client = await ClientHost.ConnectToGatewayAsync(Silo.GatewayPort, Silo.ClusterId, configure: o => o.InvalidationRenewInterval = TimeSpan.FromMilliseconds(250));
        await TwoAppServersFixture.WaitUntilTrustedAsync(Client);
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Silo.DisposeAsync();
    }
}
