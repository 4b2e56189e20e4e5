using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Client;

/// <summary>An app server that starts while the cluster is down starts anyway, fails open, and caches once it connects.</summary>
[Trait("Category", "Integration")]
public sealed class BackgroundConnectionTests
{
    [Fact]
    public async Task AppStartsWithTheClusterDown_AnswersFromTheOrigin_AndCachesOnceTheClusterIsUp()
    {
        var clusterId = "late-" + Guid.NewGuid().ToString("N")[..8];
        var (siloPort, gatewayPort) = (FreePorts.Next(), FreePorts.Next());
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddOrleansLlmCacheCluster(o =>
        {
            o.ClusterId = clusterId;
            o.Gateways = [new IPEndPoint(IPAddress.Loopback, gatewayPort)];
        });
        builder.Services.AddOrleansLlmCache(o => o.OperationTimeout = TimeSpan.FromMilliseconds(500));
        using var app = builder.Build();

        var started = Stopwatch.StartNew();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"the app must not wait for the cluster to start ({started.Elapsed})");

        var cache = app.Services.GetRequiredService<ILlmCache>();
        var key = cache.CreateKey("late-cluster");
        var origin = 0;
        ValueTask<CachedResponse> Origin(CancellationToken _)
        {
            Interlocked.Increment(ref origin);
            return ValueTask.FromResult(new CachedResponse("from origin", "gpt-4"));
        }

        var before = await cache.GetOrCreateAsync(key, Origin);
        Assert.Equal(LlmCacheSource.OriginCacheUnavailable, before.Source);

        await using var silo = await TcpSilo.StartAsync(clusterId, siloPort, gatewayPort);
        await Eventually.WaitUntilAsync(
            async () => (await cache.GetOrCreateAsync(key, Origin)).Source == LlmCacheSource.Hit,
            TimeSpan.FromSeconds(60),
            () => "caching did not start within 60 s of the cluster coming up");

        await app.StopAsync();
    }
}
