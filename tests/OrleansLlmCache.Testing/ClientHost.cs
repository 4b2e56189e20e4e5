using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Hosting;

namespace OrleansLlmCache.Testing;

/// <summary>An app server's view: an Orleans client host with <see cref="ILlmCache"/>, through a gateway or Redis membership.</summary>
public sealed class ClientHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ClientHost(IHost host) => _host = host;

    public ILlmCache Cache => _host.Services.GetRequiredService<ILlmCache>();

    public IServiceProvider Services => _host.Services;

    /// <param name="services">Changes to the app server's services, made after the Orleans client's own.</param>
    /// <param name="accessKey">The key presented to silos that enforce tenant access (LlmCache:Cluster:AccessKey).</param>
    public static Task<ClientHost> ConnectToGatewayAsync(
        int gatewayPort,
        string clusterId,
        TimeSpan? operationTimeout = null,
        Action<LlmCacheOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        string? accessKey = null) =>
        StartAsync(c => c.UseOrleansLlmCacheCluster(o =>
        {
            o.ClusterId = clusterId;
            o.Gateways = [new IPEndPoint(IPAddress.Loopback, gatewayPort)];
            o.AccessKey = accessKey;
        }), operationTimeout, configure, services);

    /// <summary>An app server with the cluster options <paramref name="cluster"/> sets (TLS, gateways, Redis, attempts).</summary>
    /// <param name="services">Changes to the app server's services, made after the Orleans client's own.</param>
    public static Task<ClientHost> ConnectAsync(
        Action<LlmCacheClusterOptions> cluster, TimeSpan? operationTimeout = null, Action<LlmCacheOptions>? configure = null, Action<IServiceCollection>? services = null) =>
        StartAsync(c => c.UseOrleansLlmCacheCluster(cluster), operationTimeout, configure, services);

    public static Task<ClientHost> ConnectThroughRedisAsync(
        string redisConnectionString, string clusterId, TimeSpan? operationTimeout = null, Action<LlmCacheOptions>? configure = null, string? accessKey = null) =>
        StartAsync(c => c.UseOrleansLlmCacheCluster(o =>
        {
            o.ClusterId = clusterId;
            o.RedisConnectionString = redisConnectionString;
            o.AccessKey = accessKey;
        }), operationTimeout, configure);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }

    private static async Task<ClientHost> StartAsync(
        Action<Orleans.Hosting.IClientBuilder> configure, TimeSpan? operationTimeout, Action<LlmCacheOptions>? options = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(configure);
        services?.Invoke(builder.Services);
        builder.Services.AddOrleansLlmCache(o =>
        {
            o.OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(10);
            options?.Invoke(o);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new ClientHost(host);
    }
}
