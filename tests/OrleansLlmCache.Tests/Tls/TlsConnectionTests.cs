using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Orleans.Runtime.Messaging;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Tls;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Tls;

/// <summary>
/// A real silo with TLS on its gateway, and real clients over loopback TCP: a client with the cluster's TLS is served;
/// with mutual TLS, a client without a certificate, or with one of another CA, is refused before any call; a client
/// with TLS off cannot talk to the silo; a client that does not trust the silo's certificate, or expects another name
/// in it, refuses the silo. Each refusal is logged by the end that refused, naming the setting to look at.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TlsConnectionTests : IDisposable
{
    private readonly TlsCluster _cluster = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientWithTheClustersTls_IsServed(bool mutual)
    {
        await using var silo = await _cluster.StartSiloAsync(clientCertificateRequired: mutual);
        await using var writer = await TlsCluster.StartClientAsync(silo, _cluster.ClientTls(withCertificate: mutual));
        await using var reader = await TlsCluster.StartClientAsync(silo, _cluster.ClientTls(withCertificate: mutual));
        var key = TestKeys.Unique("tls");

        await writer.Cache.SetAsync(key, new CachedResponse("over TLS", "gpt-test"));
        var read = await reader.Cache.GetAsync(key);

        Assert.Equal("over TLS", read?.Response.Content);
    }

    [Fact]
    public async Task ClientWithoutServerName_IsServed_WhenItTrustsOnlyTheClustersCa()
    {
        // A CA of the cluster's own issues to nobody else: its certificates need not be checked for a name.
        await using var silo = await _cluster.StartSiloAsync(clientCertificateRequired: false);
        await using var client = await TlsCluster.StartClientAsync(silo, tls =>
        {
            tls.Enabled = true;
            tls.CaCertificatePath = _cluster.CaPath;
        });
        var key = TestKeys.Unique("tls");

        await client.Cache.SetAsync(key, new CachedResponse("no name asked", "gpt-test"));

        Assert.Equal("no name asked", (await client.Cache.GetAsync(key))?.Response.Content);
    }

    [Fact]
    public async Task MutualTls_RefusesAClientWithoutACertificate_AndTheSiloSaysSo()
    {
        await using var silo = await _cluster.StartSiloAsync(clientCertificateRequired: true);
        var siloLog = LogOf(silo);

        await Assert.ThrowsAsync<ConnectionFailedException>(() => TlsCluster.StartClientAsync(silo, _cluster.ClientTls(withCertificate: false), connectAttempts: 2));

        Assert.Contains(siloLog.GetSnapshot(), r => r.Category!.EndsWith("TlsServerConnectionMiddleware", StringComparison.Ordinal) && r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task MutualTls_RefusesAClientWithACertificateOfAnotherCa_AndTheSiloSaysWhy()
    {
        await using var silo = await _cluster.StartSiloAsync(clientCertificateRequired: true);
        var siloLog = LogOf(silo);

        await Assert.ThrowsAsync<ConnectionFailedException>(() => TlsCluster.StartClientAsync(silo, tls =>
        {
            _cluster.ClientTls(withCertificate: false)(tls);
            tls.CertificatePath = _cluster.Stranger.Certificate;
            tls.KeyPath = _cluster.Stranger.Key;
        }, connectAttempts: 2));

        var refusal = Assert.Single(siloLog.GetSnapshot(), r => r.Id.Id == 1801 && r.Message.Contains("CN=stranger", StringComparison.Ordinal));
        Assert.Contains("LlmCache:Tls:CaCertificatePath", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutualTls_AnAppServerWithoutACertificate_StartsButIsNeverServed()
    {
        // An app server connecting in the background (AddOrleansLlmCacheCluster) starts and answers from the origin
        // while the silos refuse it: its cache calls fail open, and nothing it writes reaches the silo.
        await using var silo = await _cluster.StartSiloAsync(clientCertificateRequired: true);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOrleansLlmCacheCluster(o =>
        {
            o.ClusterId = silo.ClusterId;
            o.Gateways = [new IPEndPoint(IPAddress.Loopback, silo.GatewayPort)];
            _cluster.ClientTls(withCertificate: false)(o.Tls);
        });
        builder.Services.AddOrleansLlmCache(o => o.L1Enabled = false);
        using var app = builder.Build();
        await app.StartAsync();
        var key = TestKeys.Unique("tls");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2)); // several connection attempts
            var cache = app.Services.GetRequiredService<ILlmCache>();
            await Assert.ThrowsAsync<LlmCacheUnavailableException>(async () => await cache.SetAsync(key, new CachedResponse("refused", "gpt-test")));
            Assert.Null(await cache.GetAsync(key));
        }
        finally
        {
            await app.StopAsync();
        }

        await using var trusted = await TlsCluster.StartClientAsync(silo, _cluster.ClientTls(withCertificate: true));
        Assert.Null(await trusted.Cache.GetAsync(key));
    }

    [Fact]
    public async Task ClientWithTlsOff_CannotTalkToATlsSilo()
    {
        await using var silo = await _cluster.StartSiloAsync(clientCertificateRequired: false);
        var siloLog = LogOf(silo);

        await Assert.ThrowsAsync<ConnectionFailedException>(() => TlsCluster.StartClientAsync(silo, tls: null, connectAttempts: 2));

        var refusal = Assert.Single(siloLog.GetSnapshot().Where(r => r.Id.Id == 1802).Take(1));
        Assert.Contains("does not use TLS", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Cluster:Tls:Enabled", refusal.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> ClientRefusals => new()
    {
        { "untrusted CA", "LlmCache:Cluster:Tls:CaCertificatePath" },
        { "other name", "LlmCache:Cluster:Tls:ServerName" },
    };

    [Theory]
    [MemberData(nameof(ClientRefusals))]
    public async Task ClientRefusesASiloItCannotVerify_AndSaysWhy(string mismatch, string setting)
    {
        await using var silo = await _cluster.StartSiloAsync(clientCertificateRequired: false);
        var clientLog = new FakeLogCollector();

        await Assert.ThrowsAsync<ConnectionFailedException>(() => TlsCluster.StartClientAsync(silo, tls =>
        {
            _cluster.ClientTls(withCertificate: false)(tls);
            if (mismatch == "untrusted CA")
            {
                tls.CaCertificatePath = _cluster.OtherCaPath;
            }
            else
            {
                tls.ServerName = "someone-else.example";
            }
        }, clientLog, connectAttempts: 2));

        var refusal = Assert.Single(clientLog.GetSnapshot(), r => r.Id.Id == 1801);
        Assert.Contains("the silo", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(setting, refusal.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _cluster.Dispose();

    private static FakeLogCollector LogOf(TcpSilo silo)
    {
        var log = new FakeLogCollector();
        silo.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(log));
        return log;
    }
}
