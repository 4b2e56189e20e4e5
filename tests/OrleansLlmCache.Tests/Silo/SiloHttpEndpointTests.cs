using System.Net;

namespace OrleansLlmCache.Tests.Silo;

/// <summary>The silo program's HTTP port: liveness and readiness on the embedded default (no Redis, no PostgreSQL).</summary>
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
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
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
