using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OrleansLlmCache.Abstractions.Tls;

namespace OrleansLlmCache.Tests.Tls;

/// <summary>
/// The certificates of a TLS cluster, written to files as an operator mounts them: the cluster's CA, a silo
/// certificate for <see cref="ServerName"/>, an app server's certificate, and another CA's app-server certificate
/// (one the silos must refuse). Starts silos and clients with them.
/// </summary>
internal sealed class TlsCluster : IDisposable
{
    public const string ServerName = "llmcache-silo.llmcache.svc";

    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("llmcache test CA");
    private readonly TestCertificateAuthority _otherCa = TestCertificateAuthority.Create("another CA");

    public TlsCluster()
    {
        CaPath = Files.Write("ca.crt", _ca.Certificate.ExportCertificatePem());
        OtherCaPath = Files.Write("other-ca.crt", _otherCa.Certificate.ExportCertificatePem());
        using var silo = _ca.IssueSilo(ServerName, "llmcache-silo");
        Silo = Files.WritePem("silo", silo);
        using var client = _ca.IssueClient();
        Client = Files.WritePem("client", client);
        using var stranger = _otherCa.IssueClient("stranger");
        Stranger = Files.WritePem("stranger", stranger);
        using var strangerSilo = _otherCa.IssueSilo(ServerName);
        StrangerSilo = Files.WritePem("stranger-silo", strangerSilo);
    }

    public CertificateDirectory Files { get; } = new();

    public string CaPath { get; }

    public string OtherCaPath { get; }

    public (string Certificate, string Key) Silo { get; }

    public (string Certificate, string Key) Client { get; }

    public (string Certificate, string Key) Stranger { get; }

    /// <summary>A silo certificate for <see cref="ServerName"/> from the other CA: a silo the cluster must not admit.</summary>
    public (string Certificate, string Key) StrangerSilo { get; }

    /// <summary>A silo's <c>LlmCache:Tls</c> settings with this cluster's certificates.</summary>
    public Dictionary<string, string?> SiloSettings(bool clientCertificateRequired) => new()
    {
        ["LlmCache:Tls:Enabled"] = "true",
        ["LlmCache:Tls:CertificatePath"] = Silo.Certificate,
        ["LlmCache:Tls:KeyPath"] = Silo.Key,
        ["LlmCache:Tls:CaCertificatePath"] = CaPath,
        ["LlmCache:Tls:ServerName"] = ServerName,
        ["LlmCache:Tls:ClientCertificateRequired"] = clientCertificateRequired ? "true" : "false",
    };

    /// <summary>An app server's TLS that trusts this cluster's CA, with the app server's certificate when <paramref name="withCertificate"/>.</summary>
    public Action<TlsConnectionOptions> ClientTls(bool withCertificate) => tls =>
    {
        tls.Enabled = true;
        tls.CaCertificatePath = CaPath;
        tls.ServerName = ServerName;
        if (withCertificate)
        {
            tls.CertificatePath = Client.Certificate;
            tls.KeyPath = Client.Key;
        }
    };

    public Task<TcpSilo> StartSiloAsync(bool clientCertificateRequired) =>
        TcpSilo.StartAsync("tls-" + Guid.NewGuid().ToString("N")[..8], configuration: SiloSettings(clientCertificateRequired));

    /// <summary>
    /// An app server connected to <paramref name="silo"/>'s gateway, its TLS set by <paramref name="tls"/> (none: TLS off),
    /// without L1 so that every read reaches the silo. Its log goes to <paramref name="log"/>.
    /// </summary>
    public static Task<ClientHost> StartClientAsync(TcpSilo silo, Action<TlsConnectionOptions>? tls, FakeLogCollector? log = null, int connectAttempts = 10) =>
        ClientHost.ConnectAsync(
            o =>
            {
                o.ClusterId = silo.ClusterId;
                o.Gateways = [new IPEndPoint(IPAddress.Loopback, silo.GatewayPort)];
                o.ConnectAttempts = connectAttempts;
                tls?.Invoke(o.Tls);
            },
            configure: o => o.L1Enabled = false,
            services: services => services.AddLogging(logging =>
            {
                if (log is not null)
                {
                    logging.AddProvider(new FakeLoggerProvider(log));
                }
            }));

    public void Dispose()
    {
        Files.Dispose();
        _ca.Dispose();
        _otherCa.Dispose();
    }
}
