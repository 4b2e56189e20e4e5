using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansLlmCache.Tests.Aspire;

/// <summary>
/// What <c>dotnet run --project samples/AppHost</c> starts, without containers: two real silo processes given only the
/// environment an Aspire AppHost's Orleans resource writes (the silo's own port settings point elsewhere, and lose), on
/// a real redis-server, and an app connected by nothing but the <c>llmcache</c> connection string.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AspireConfiguredClusterTests
{
    [Fact]
    public async Task TwoSilosConfiguredTheAspireWay_FormOneCluster_ThatAnAppReachesThroughItsConnectionString()
    {
        await using var redis = await LocalRedis.StartAsync();
        var clusterId = "aspire-" + Guid.NewGuid().ToString("N")[..8];
        var orleansPorts = new[] { (Silo: FreePorts.Next(), Gateway: FreePorts.Next()), (Silo: FreePorts.Next(), Gateway: FreePorts.Next()) };
        var silos = new List<SiloProcess>();
        try
        {
            // One after the other, as a rolling start would (two JIT-ing silos at once on two cores starve each other's probes).
            foreach (var (silo, gateway) in orleansPorts)
            {
                silos.Add(await SiloProcess.StartAsync(new Dictionary<string, string>
                {
                    ["Orleans__ClusterId"] = clusterId,
                    ["Orleans__ServiceId"] = "aspire-service",
                    ["Orleans__EnableDistributedTracing"] = "true",
                    ["Orleans__Clustering__ProviderType"] = "Redis",
                    ["Orleans__Clustering__ServiceKey"] = "redis",
                    ["ConnectionStrings__redis"] = redis.ConnectionString,
                    ["Orleans__Endpoints__SiloPort"] = silo.ToString(CultureInfo.InvariantCulture),
                    ["Orleans__Endpoints__GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture),
                }));
            }

            // Both silos are in the cluster's membership, at the ports the AppHost gave them.
            using var membership = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            var rows = await membership.GetDatabase().HashGetAllAsync($"aspire-service/members/{clusterId}");
            var silosInMembership = string.Join(" ", rows.Select(r => r.Value.ToString()));
            foreach (var (silo, _) in orleansPorts)
            {
                Assert.Contains($"127.0.0.1:{silo}", silosInMembership, StringComparison.Ordinal);
            }

            using var app = await StartAppAsync($"Redis={redis.ConnectionString};ClusterId={clusterId};ServiceId=aspire-service");
            var cache = app.Services.GetRequiredService<ILlmCache>();
            var key = cache.CreateKey(new PromptRequest("What does Aspire start?", "gpt-4", 0, 100), "acme", "aspire");
            var origin = new CachedResponse("Redis, PostgreSQL, two silos and an app server.", "gpt-4");

            // The client connects in the background; until then every call fails open to the origin.
            await Eventually.WaitUntilAsync(
                async () => (await cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(origin))).Source == LlmCacheSource.Origin,
                TimeSpan.FromSeconds(60),
                () => $"the app never reached the cluster.\nfirst silo:\n{silos[0].Output}\nsecond silo:\n{silos[1].Output}");
            var second = await cache.GetOrCreateAsync(key, _ => throw new InvalidOperationException("the origin must not be asked again"));

            Assert.Equal(LlmCacheSource.Hit, second.Source);
            Assert.Equal(origin.Content, second.Response.Content);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<IHost> StartAppAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:llmcache"] = connectionString });
        builder.AddOrleansLlmCache("llmcache", configure: o => o.L1Enabled = false);
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }
}
