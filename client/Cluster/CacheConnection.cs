using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Cli.Cluster;

/// <summary>
/// A started host that gives an <see cref="ILlmCache"/>: either an Orleans client connected to a running cluster, or
/// an embedded single silo on free local ports (the demo's default).
/// </summary>
internal sealed class CacheConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private CacheConnection(IHost host, string description)
    {
        _host = host;
        Description = description;
    }

    public string Description { get; }

    public ILlmCache Cache => _host.Services.GetRequiredService<ILlmCache>();

    public IServiceProvider Services => _host.Services;

    /// <summary>Connects to a running cluster; fails with one clear line if no gateway answers.</summary>
    public static async Task<CacheConnection> ConnectAsync(ClusterAddress cluster, Action<LlmCacheOptions>? configure, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        QuietLogging(builder);
        // A few quick retries: an operator at a shell wants an answer, not a hang.
        builder.UseOrleansClient(client => client.UseOrleansLlmCacheCluster(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
            o.RedisConnectionString = cluster.RedisConnectionString;
            o.Gateways = cluster.Gateway is { } gateway ? [gateway] : [];
            o.ConnectAttempts = 3;
        }));
        builder.Services.AddOrleansLlmCache(configure);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            host.Dispose();
            throw new CommandFailure(
                $"Could not connect to the cluster at {cluster}: {ex.Message} Is a silo running? Start one with `dotnet run --project silo`.");
        }

        return new CacheConnection(host, $"cluster at {cluster}");
    }

    /// <summary>Starts a single silo inside this process on free ports, with entries in memory.</summary>
    public static async Task<CacheConnection> StartEmbeddedAsync(Action<LlmCacheOptions>? configure, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        QuietLogging(builder);
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        builder.AddOrleansLlmCacheSilo(o =>
        {
            o.SiloPort = siloPort;
            o.GatewayPort = gatewayPort;
            o.ClusterId = "llmcache-demo";
        });
        builder.Services.AddOrleansLlmCache(configure);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new CacheConnection(host, $"embedded silo (127.0.0.1, silo port {siloPort}, gateway port {gatewayPort}, entries in memory)");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _host.Dispose();
        }
    }

    private static void QuietLogging(HostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // The cache's own warnings (such as failing open) matter to the user; the runtime's start-up notes do not.
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft", LogLevel.Error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
