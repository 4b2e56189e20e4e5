using System.Net;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Silo;

/// <summary>The silo program's HTTP port: liveness and readiness on the embedded default (no Redis, no PostgreSQL).</summary>
[Trait("Category", "Integration")]
public sealed class SiloHttpEndpointTests
{
    [Fact]
    public async Task AliveAndHealth_Answer200_OnceTheSiloIsUp()
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(5) };

        var alive = await http.GetAsync("/alive");
        var health = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = await health.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"status\":\"Healthy\"", report, StringComparison.Ordinal);
        Assert.Contains("\"postgresql\":{\"status\":\"Healthy\",\"description\":\"memory storage\"}", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_ArePublishedForPrometheus_WithTheCachesCountsAndOrleans()
    {
        var clusterId = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["LlmCache__Silo__ClusterId"] = clusterId });
        await using (var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, clusterId, configure: o => o.L1Enabled = false))
        {
            var key = client.Cache.CreateKey("metered");
            await client.Cache.SetAsync(key, new OrleansLlmCache.Abstractions.Model.CachedResponse("x", "gpt-4"));
            await client.Cache.GetAsync(key);
            await client.Cache.GetAsync(client.Cache.CreateKey("absent"));
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        var text = "";
        await Eventually.WaitUntilAsync(
            async () =>
            {
                var response = await http.GetAsync("/metrics");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                text = await response.Content.ReadAsStringAsync();
                return text.Contains("llmcache_silo_lookups", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(30),
            () => "no llmcache_silo_lookups in /metrics after 30 s:\n" + text[..Math.Min(text.Length, 2000)]);

        Assert.Contains("result=\"hit\"", text, StringComparison.Ordinal);
        Assert.Contains("result=\"miss\"", text, StringComparison.Ordinal);
        Assert.Contains("llmcache_silo_writes", text, StringComparison.Ordinal);
        Assert.Contains("orleans", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpPort_SharedWithTheGateway_IsRefusedByName()
    {
        var port = FreePorts.Next();
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string> { ["LlmCache__Silo__HttpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            gatewayPort: port,
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("SiloPort, GatewayPort and HttpPort must differ", silo.Output, StringComparison.Ordinal);
    }
}
