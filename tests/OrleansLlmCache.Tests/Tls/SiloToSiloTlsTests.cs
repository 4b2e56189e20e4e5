using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansLlmCache.Tests.Tls;

/// <summary>
/// Silos that find each other through a real Redis talk to each other over mutual TLS: two with the cluster's
/// certificates form one cluster and serve entries wherever they live; a silo with a certificate of another CA is
/// refused by the others and does not get in.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SiloToSiloTlsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TlsCluster _cluster = new();
    private LocalRedis _redis = null!;

    public async Task InitializeAsync() => _redis = await LocalRedis.StartAsync();

    [Fact]
    public async Task TwoSilosWithMutualTls_FormOneCluster_AndServeEntriesHeldByEither()
    {
        var clusterId = "tls-silos-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await StartSiloAsync(clusterId, _cluster.SiloSettings(clientCertificateRequired: true));
        await using var second = await StartSiloAsync(clusterId, _cluster.SiloSettings(clientCertificateRequired: true));
        await WaitForActiveSilosAsync(first, 2);

        // Written through one silo's gateway and read through the other's: the entries' grains are spread over both
        // silos, so most calls cross between them.
        await using var writer = await TlsCluster.StartClientAsync(first, _cluster.ClientTls(withCertificate: true));
        await using var reader = await TlsCluster.StartClientAsync(second, _cluster.ClientTls(withCertificate: true));
        var keys = Enumerable.Range(0, 40).Select(_ => TestKeys.Unique("tls-silos")).ToList();
        foreach (var key in keys)
        {
            await writer.Cache.SetAsync(key, new CachedResponse(key.Id, "gpt-test"));
        }

        foreach (var key in keys)
        {
            Assert.Equal(key.Id, (await reader.Cache.GetAsync(key))?.Response.Content);
        }
    }

    [Fact]
    public async Task ASiloWithACertificateOfAnotherCa_IsRefused_AndDoesNotJoin()
    {
        var clusterId = "tls-silos-" + Guid.NewGuid().ToString("N")[..8];
        await using var member = await StartSiloAsync(clusterId, _cluster.SiloSettings(clientCertificateRequired: true));
        var log = new FakeLogCollector();
        member.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(log));
        var stranger = _cluster.SiloSettings(clientCertificateRequired: true);
        stranger["LlmCache:Tls:CertificatePath"] = _cluster.StrangerSilo.Certificate;
        stranger["LlmCache:Tls:KeyPath"] = _cluster.StrangerSilo.Key;
        stranger["LlmCache:Tls:CaCertificatePath"] = _cluster.OtherCaPath; // it trusts its own CA only
        stranger["LlmCache:Tls:AllowPlainBackends"] = "true";
        foreach (var (key, value) in QuickFailureDetection)
        {
            stranger[key] = value;
        }

        // A process of its own: a silo the cluster declares dead ends its process, as Orleans silos do.
        var environment = stranger.ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value!);
        environment["LlmCache__Silo__ClusterId"] = clusterId;
        environment["LlmCache__Silo__Clustering"] = "Redis";
        environment["ConnectionStrings__Redis"] = _redis.ConnectionString;
        var watch = Stopwatch.StartNew();
        await using var process = await SiloProcess.StartAsync(environment, waitForStart: false);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        output.WriteLine($"The stranger silo exited with {exitCode} after {watch.Elapsed.TotalSeconds:0.0} s:\n{process.Output}");

        Assert.NotEqual(0, exitCode);
        Assert.Contains(log.GetSnapshot(), r => r.Id.Id == 1801 && r.Message.Contains("issued by CN=another CA", StringComparison.Ordinal));
        await WaitForActiveSilosAsync(member, 1);
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _cluster.Dispose();
    }

    // A silo that cannot be reached is declared dead in seconds rather than half a minute.
    private static readonly Dictionary<string, string?> QuickFailureDetection = new()
    {
        ["Orleans:Membership:ProbeTimeout"] = "00:00:02",
        ["Orleans:Membership:NumMissedProbesLimit"] = "2",
    };

    private Task<TcpSilo> StartSiloAsync(string clusterId, Dictionary<string, string?> tls)
    {
        tls["LlmCache:Tls:AllowPlainBackends"] = "true"; // the test's Redis has no TLS
        foreach (var (key, value) in QuickFailureDetection)
        {
            tls[key] = value;
        }

        return TcpSilo.StartAsync(
            clusterId,
            configure: o =>
            {
                o.Clustering = ClusteringMode.Redis;
                o.RedisConnectionString = _redis.ConnectionString;
                o.AdvertisedIPAddress = IPAddress.Loopback.ToString();
            },
            configuration: tls);
    }

    private static async Task WaitForActiveSilosAsync(TcpSilo silo, int count)
    {
        var management = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var active = 0;
        await Eventually.WaitUntilAsync(
            async () => (active = (await management.GetHosts(onlyActive: true)).Count) == count,
            TimeSpan.FromSeconds(60),
            () => $"expected {count} active silos, saw {active}");
    }
}
