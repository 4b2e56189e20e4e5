using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansLlmCache.Testing;

/// <summary>A real silo host on loopback TCP ports, configured exactly as <c>dotnet run --project silo</c> does.</summary>
public sealed class TcpSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TcpSilo(IHost host, int siloPort, int gatewayPort, string clusterId)
    {
        _host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        ClusterId = clusterId;
    }

    public IServiceProvider Services => _host.Services;

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string ClusterId { get; }

    public static async Task<TcpSilo> StartAsync(
        string clusterId,
        int? siloPort = null,
        int? gatewayPort = null,
        Action<OrleansLlmCache.Grains.Hosting.LlmCacheSiloOptions>? configure = null,
        IDictionary<string, string?>? configuration = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var silo = siloPort ?? FreePorts.Next();
        var gateway = gatewayPort ?? FreePorts.Next();
        builder.AddOrleansLlmCacheSilo(o =>
        {
            o.SiloPort = silo;
            o.GatewayPort = gateway;
            o.ClusterId = clusterId;
            configure?.Invoke(o);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TcpSilo(host, silo, gateway, clusterId);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
