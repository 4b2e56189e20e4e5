using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Storage.PostgreSql.Options;

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

    /// <summary>
    /// Starts a silo; with <paramref name="postgres"/> its entries are kept in PostgreSQL with those settings (at least
    /// the connection string), otherwise in memory.
    /// </summary>
    public static async Task<TcpSilo> StartAsync(
        string clusterId,
        int? siloPort = null,
        int? gatewayPort = null,
        Action<LlmCacheSiloOptions>? configure = null,
        IDictionary<string, string?>? configuration = null,
        Action<PostgresStorageOptions>? postgres = null)
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
            if (postgres is not null)
            {
                o.Storage = StorageMode.PostgreSQL;
            }

            configure?.Invoke(o);
        });
        if (postgres is not null)
        {
            // After the configuration binding, as an operator's code would: code wins.
            builder.Services.Configure(postgres);
        }

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
