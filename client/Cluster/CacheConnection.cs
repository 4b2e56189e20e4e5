using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Hosting;
using StackExchange.Redis;

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

    /// <summary>Connects to a running cluster; fails with one clear line if Redis or no gateway answers.</summary>
    public static async Task<CacheConnection> ConnectAsync(ClusterAddress cluster, Action<LlmCacheOptions>? configure, CancellationToken cancellationToken)
    {
        if (cluster.RedisConnectionString is { } redis)
        {
            await EnsureRedisAnswersAsync(cluster, redis, cancellationToken);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ForCommand(builder);

        // TLS to the gateways as an app server configures it, from LlmCache__Cluster__Tls__* environment variables.
        builder.Configuration.AddEnvironmentVariables();
        var tlsSection = builder.Configuration.GetSection($"{LlmCacheClusterOptions.SectionName}:{nameof(LlmCacheClusterOptions.Tls)}");
        try
        {
            // A few quick retries: an operator at a shell wants an answer, not a hang.
            builder.UseOrleansClient(client => client.UseOrleansLlmCacheCluster(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
                o.RedisConnectionString = cluster.RedisConnectionString;
                o.Gateways = cluster.Gateway is { } gateway ? [gateway] : [];
                o.ConnectAttempts = 3;
                o.AccessKey = cluster.AccessKey;
                tlsSection.Bind(o.Tls);
            }));
        }
        catch (ArgumentException ex) when (cluster.AccessKey is not null && ex.Message.Contains("AccessKey", StringComparison.Ordinal))
        {
            // The library names its setting; the user typed a flag.
            throw new CommandFailure($"--access-key (or LLMCACHE_ACCESS_KEY) is not a usable key: {ex.Message.Split(" (Parameter", 2)[0]}");
        }

        builder.Services.AddOrleansLlmCache(configure);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            host.Dispose();
            throw ex is RedisException || ex.InnerException is RedisException
                ? RedisUnreachable(cluster)
                : new CommandFailure(
                    $"Could not connect to the cluster at {cluster}: {ex.Message} Is a silo running? Start one with `dotnet run --project silo`. If the silos use TLS, set the same LlmCache__Cluster__Tls__* variables as an app server's.",
                    ExitCodes.Unavailable);
        }

        return new CacheConnection(host, $"cluster at {cluster}");
    }

    /// <summary>Starts a single silo inside this process on free ports, with entries in memory.</summary>
    public static async Task<CacheConnection> StartEmbeddedAsync(Action<LlmCacheOptions>? configure, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ForCommand(builder);
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

    /// <summary>
    /// One quick connection to the membership's Redis before the Orleans client starts: the client would retry an
    /// unreachable Redis for half a minute and then blame the silos.
    /// </summary>
    private static async Task EnsureRedisAnswersAsync(ClusterAddress cluster, string connectionString, CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = (int)RedisConnectTimeout.TotalMilliseconds;
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(RedisConnectTimeout * 2, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw RedisUnreachable(cluster);
        }
    }

    private static readonly TimeSpan RedisConnectTimeout = TimeSpan.FromSeconds(2);

    private static CommandFailure RedisUnreachable(ClusterAddress cluster) => new(
        $"Redis at {cluster.RedisEndpoints} is unreachable, so the cluster's membership cannot be read: check --redis (or LLMCACHE_REDIS) and that Redis is running.",
        ExitCodes.Unavailable);

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

    // A host inside a command: quiet logs, and no signal handling of its own (the command line has it).
    private static void ForCommand(HostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IHostLifetime, CommandHostLifetime>();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // The cache's own warnings (such as failing open) matter to the user; the runtime's start-up notes do not. A host
        // that fails to start is reported by the command in one line: the host's own log of it is a stack trace.
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
