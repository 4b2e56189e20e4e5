using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Hosting.Options;

namespace OrleansLlmCache.Hosting.Startup;

/// <summary>Says where the silo listens once it has started, so a person running it knows what to connect to.</summary>
internal sealed partial class SiloStartupBanner(LlmCacheSiloOptions options, IHostApplicationLifetime lifetime, ILogger<SiloStartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Started(logger, options.ClusterId, options.AdvertisedIPAddress, options.SiloPort, options.GatewayPort, options.Clustering, options.Storage));
        lifetime.ApplicationStopping.Register(() => Stopping(logger));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1101, LogLevel.Information, "OrleansLlmCache silo is up: cluster {ClusterId}, {Address} silo port {SiloPort}, gateway port {GatewayPort} ({Clustering} clustering, {Storage} storage). Press Ctrl+C to stop.")]
    private static partial void Started(ILogger logger, string clusterId, string address, int siloPort, int gatewayPort, ClusteringMode clustering, StorageMode storage);

    [LoggerMessage(1102, LogLevel.Information, "OrleansLlmCache silo is stopping: leaving the cluster cleanly.")]
    private static partial void Stopping(ILogger logger);
}
