using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OrleansLlmCache.Abstractions.Tls;
using OrleansLlmCache.Core.Tls;
using OrleansLlmCache.Core.Validation;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Hosting.Startup;
using OrleansLlmCache.Hosting.Tls;
using OrleansLlmCache.Storage.PostgreSql.Options;

namespace OrleansLlmCache.Tests.Tls;

/// <summary>
/// TLS settings that cannot work are refused when the silo or client is configured, each failure naming the setting
/// and what is wrong with the file it names; a silo that must reach its backends over TLS refuses plain connection
/// strings, saying what to add.
/// </summary>
public sealed class TlsSettingsTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("settings CA");
    private readonly CertificateDirectory _files = new();
    private readonly string _caPath;
    private readonly (string Certificate, string Key) _silo;

    public TlsSettingsTests()
    {
        _caPath = _files.Write("ca.crt", _ca.Certificate.ExportCertificatePem());
        using var silo = _ca.IssueSilo(TlsCluster.ServerName);
        _silo = _files.WritePem("silo", silo);
    }

    [Fact]
    public void ValidSettings_AreAccepted_AndTlsOffIgnoresTheRest()
    {
        SiloAccepts(SiloTls());
        SiloAccepts(new() { ["LlmCache:Tls:Enabled"] = "false", ["LlmCache:Tls:CertificatePath"] = "/nowhere/tls.crt" });
        SiloAccepts([]); // the embedded default
    }

    [Fact]
    public void TlsOn_WithoutACertificate_NamesCertificatePath()
    {
        var error = SiloRefuses(new() { ["LlmCache:Tls:Enabled"] = "true", ["LlmCache:Tls:CaCertificatePath"] = _caPath });

        Assert.Contains("LlmCache:Tls:CertificatePath is required with TLS on", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFiles_AreNamedWithTheirSettings_AllAtOnce()
    {
        var error = SiloRefuses(SiloTls(certificate: "/nowhere/tls.crt", key: "/nowhere/tls.key", ca: "/nowhere/ca.crt"));

        Assert.Contains("LlmCache:Tls:CertificatePath '/nowhere/tls.crt' does not exist", error, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Tls:KeyPath '/nowhere/tls.key' does not exist", error, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Tls:CaCertificatePath '/nowhere/ca.crt' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatIsNotACertificate_IsNamed()
    {
        var notACertificate = _files.Write("notes.txt", "not a certificate");

        Assert.Contains("LlmCache:Tls:CertificatePath '" + notACertificate + "' is not a certificate", SiloRefuses(SiloTls(certificate: notACertificate)), StringComparison.Ordinal);
        Assert.Contains("LlmCache:Tls:CaCertificatePath '" + notACertificate + "' holds no certificate", SiloRefuses(SiloTls(ca: notACertificate)), StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateWithoutItsKey_IsRefused()
    {
        var error = SiloRefuses(SiloTls(key: null));

        Assert.Contains("LlmCache:Tls:CertificatePath", error, StringComparison.Ordinal);
        Assert.Contains("but no private key: set KeyPath", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheKeyOfAnotherCertificate_IsRefused()
    {
        using var other = _ca.IssueSilo(TlsCluster.ServerName);
        var otherKey = _files.WritePem("other", other).Key;

        var error = SiloRefuses(SiloTls(key: otherKey));

        Assert.Contains($"LlmCache:Tls:KeyPath '{otherKey}' does not hold the private key of the certificate CN=llmcache-silo", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpiredOrNotYetValidCertificate_IsRefused()
    {
        using var expired = _ca.Issue("expired", [TlsCluster.ServerName], [new Oid("1.3.6.1.5.5.7.3.1")], DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        using var early = _ca.Issue("early", [TlsCluster.ServerName], [new Oid("1.3.6.1.5.5.7.3.1")], DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(30));
        var expiredFiles = _files.WritePem("expired", expired);
        var earlyFiles = _files.WritePem("early", early);

        Assert.Contains("names the certificate CN=expired, which expired on", SiloRefuses(SiloTls(expiredFiles.Certificate, expiredFiles.Key)), StringComparison.Ordinal);
        Assert.Contains("names the certificate CN=early, which is not valid before", SiloRefuses(SiloTls(earlyFiles.Certificate, earlyFiles.Key)), StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateNotAllowedForItsUse_IsRefused()
    {
        using var clientOnly = _ca.IssueClient();
        using var serverOnly = _ca.Issue("server-only", [TlsCluster.ServerName], [new Oid("1.3.6.1.5.5.7.3.1")]);
        var clientFiles = _files.WritePem("client-only", clientOnly);
        var serverFiles = _files.WritePem("server-only", serverOnly);

        var asSilo = SiloRefuses(SiloTls(clientFiles.Certificate, clientFiles.Key, serverName: null));
        var mutual = SiloTls(serverFiles.Certificate, serverFiles.Key);
        mutual["LlmCache:Tls:ClientCertificateRequired"] = "true";

        Assert.Contains("LlmCache:Tls:CertificatePath names the certificate CN=my-app, whose extended key usage lacks server authentication", asSilo, StringComparison.Ordinal);
        Assert.Contains("lacks client authentication", SiloRefuses(mutual), StringComparison.Ordinal);
        SiloAccepts(SiloTls(serverFiles.Certificate, serverFiles.Key)); // without mutual TLS a silo need not present it
    }

    [Fact]
    public void AServerNameTheSilosCertificateDoesNotCarry_IsRefused()
    {
        var error = SiloRefuses(SiloTls(serverName: "elsewhere.example"));

        Assert.Contains("LlmCache:Tls:ServerName 'elsewhere.example' is not a name in this silo's certificate", error, StringComparison.Ordinal);
        Assert.Contains(TlsCluster.ServerName, error, StringComparison.Ordinal);
    }

    [Fact]
    public void NeitherCaNorServerName_IsRefused_TheMachinesAuthoritiesAloneProveNothing()
    {
        var error = SiloRefuses(SiloTls(ca: null, serverName: null));

        Assert.Contains("LlmCache:Tls:ServerName is required when CaCertificatePath is not set", error, StringComparison.Ordinal);
        SiloAccepts(SiloTls(ca: null)); // the machine's authorities, with the name checked
    }

    [Fact]
    public void Pkcs12_OpensWithItsPassword_AndAWrongOneIsNamed()
    {
        using var silo = _ca.IssueSilo(TlsCluster.ServerName);
        var pfx = _files.WritePfx("silo", silo, "s3cret");
        Dictionary<string, string?> Settings(string password) => new()
        {
            ["LlmCache:Tls:Enabled"] = "true",
            ["LlmCache:Tls:PfxPath"] = pfx,
            ["LlmCache:Tls:Password"] = password,
            ["LlmCache:Tls:CaCertificatePath"] = _caPath,
        };

        SiloAccepts(Settings("s3cret"));
        Assert.Contains($"LlmCache:Tls:PfxPath '{pfx}' cannot be opened as a PKCS#12 file with the configured Password", SiloRefuses(Settings("wrong")), StringComparison.Ordinal);

        var both = Settings("s3cret");
        both["LlmCache:Tls:CertificatePath"] = _silo.Certificate;
        Assert.Contains("LlmCache:Tls:CertificatePath and PfxPath are both set", SiloRefuses(both), StringComparison.Ordinal);
    }

    [Fact]
    public void AnEncryptedKey_NeedsItsPassword()
    {
        using var silo = _ca.IssueSilo(TlsCluster.ServerName);
        var certificate = _files.WritePem("encrypted", silo, withKey: false).Certificate;
        var key = _files.WriteEncryptedKey("encrypted", silo, "s3cret");

        Assert.Contains($"LlmCache:Tls:Password is required: the private key in '{key}' is encrypted", SiloRefuses(SiloTls(certificate, key)), StringComparison.Ordinal);
        var withPassword = SiloTls(certificate, key);
        withPassword["LlmCache:Tls:Password"] = "s3cret";
        SiloAccepts(withPassword);
    }

    [Fact]
    public void UnconvertibleValues_AndMutualTlsWithoutTls_AreNamed()
    {
        Assert.Contains("LlmCache:Tls:Enabled is 'maybe', which is not true or false", SiloRefuses(new() { ["LlmCache:Tls:Enabled"] = "maybe" }), StringComparison.Ordinal);
        Assert.Contains("LlmCache:Tls:ClientCertificateRequired is true while Enabled is false", SiloRefuses(new() { ["LlmCache:Tls:ClientCertificateRequired"] = "true" }), StringComparison.Ordinal);
    }

    [Fact]
    public void ClientSettings_AreCheckedWhenTheClientIsConfigured()
    {
        using var serverOnly = _ca.Issue("server-only", [], [new Oid("1.3.6.1.5.5.7.3.1")]);
        var serverFiles = _files.WritePem("server-only", serverOnly);

        var missing = ClientRefuses(tls => tls.CertificatePath = "/nowhere/client.crt");
        var notForClients = ClientRefuses(tls => (tls.CertificatePath, tls.KeyPath) = serverFiles);
        var noTrust = ClientRefuses(tls => (tls.CaCertificatePath, tls.ServerName) = (null, null));

        Assert.Contains("LlmCache:Cluster:Tls:CertificatePath '/nowhere/client.crt' does not exist", missing, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Cluster:Tls:CertificatePath names the certificate CN=server-only, whose extended key usage lacks client authentication", notForClients, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Cluster:Tls:ServerName is required when CaCertificatePath is not set", noTrust, StringComparison.Ordinal);
    }

    [Fact]
    public void InKubernetes_PlainRedis_IsRefused_SayingWhatToAdd()
    {
        var error = SiloRefuses(RedisSilo("redis:6379"));

        Assert.Contains("ConnectionStrings:Redis connects to Redis without TLS, which a silo in Kubernetes", error, StringComparison.Ordinal);
        Assert.Contains("add ',ssl=true'", error, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Tls:AllowPlainBackends=true", error, StringComparison.Ordinal);
    }

    [Fact]
    public void InKubernetes_RedisOverTls_OrPlainRedisAllowedExplicitly_IsAccepted()
    {
        SiloAccepts(RedisSilo("redis:6380,ssl=true,sslHost=redis.internal"));
        var allowed = RedisSilo("redis:6379");
        allowed["LlmCache:Tls:AllowPlainBackends"] = "true";
        SiloAccepts(allowed);
    }

    [Fact]
    public void OutsideKubernetes_PlainRedis_IsAccepted_UnlessTheSiloUsesTls()
    {
        var local = RedisSilo("127.0.0.1:6379");
        local.Remove("POD_IP");
        SiloAccepts(local);

        foreach (var (key, value) in SiloTls())
        {
            local[key] = value;
        }

        Assert.Contains("a silo with LlmCache:Tls:Enabled=true refuses", SiloRefuses(local), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=pg;Database=llmcache;Username=llmcache;Password=x", false)]
    [InlineData("Host=pg;Database=llmcache;Username=llmcache;Password=x;SSL Mode=Prefer", false)]
    [InlineData("Host=pg;Database=llmcache;Username=llmcache;Password=x;SSL Mode=Require", true)]
    [InlineData("Host=pg;Database=llmcache;Username=llmcache;Password=x;SSL Mode=VerifyFull;Root Certificate=/etc/ca.crt", true)]
    public void InKubernetes_PostgreSqlMustRequireTls(string connectionString, bool accepted)
    {
        var settings = RedisSilo("redis:6380,ssl=true");
        settings["LlmCache:Silo:Storage"] = "PostgreSQL";
        settings["ConnectionStrings:PostgreSQL"] = connectionString;
        var builder = SiloBuilder(settings);
        builder.AddOrleansLlmCacheSilo();
        using var host = builder.Build();

        var read = Record.Exception(() => host.Services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value);

        if (accepted)
        {
            Assert.Null(read);
        }
        else
        {
            var error = Assert.IsType<OptionsValidationException>(read).Message;
            Assert.Contains("ConnectionStrings:PostgreSQL lets the connection go without TLS (SSL Mode=Prefer)", error, StringComparison.Ordinal);
            Assert.Contains("SSL Mode=VerifyFull", error, StringComparison.Ordinal);
            Assert.Contains("LlmCache:Tls:AllowPlainBackends=true", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AStartingSilo_SaysItUsesTls_AndWarnsOfACertificateThatExpiresSoon()
    {
        var options = new LlmCacheTlsOptions { Enabled = true, CertificatePath = _silo.Certificate, KeyPath = _silo.Key, CaCertificatePath = _caPath, ClientCertificateRequired = true };
        var checks = new SettingChecks(LlmCacheTlsOptions.SectionName);
        var endpoint = TlsEndpoint.ForSilo(LlmCacheTlsOptions.SectionName, options, options.ClientCertificateRequired, checks, DateTimeOffset.UtcNow)!;
        Assert.True(checks.Result.Succeeded, checks.Result.FailureMessage);
        var log = new FakeLogCollector();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        await new SiloTlsNote(endpoint, clock, new FakeLogger<SiloTlsNote>(log)).StartAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(25)); // the certificate is valid for 30 days
        await new SiloTlsNote(endpoint, clock, new FakeLogger<SiloTlsNote>(log)).StartAsync(CancellationToken.None);

        var records = log.GetSnapshot();
        Assert.Equal(2, records.Count(r => r.Id.Id == 1803 && r.Message.Contains("client certificates required; trusted: CN=settings CA", StringComparison.Ordinal)));
        var warning = Assert.Single(records, r => r.Id.Id == 1804);
        Assert.Contains("restart the silo", warning.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _files.Dispose();
        _ca.Dispose();
    }

    private Dictionary<string, string?> SiloTls(string? certificate = "", string? key = "", string? ca = "", string? serverName = TlsCluster.ServerName) => new()
    {
        ["LlmCache:Tls:Enabled"] = "true",
        ["LlmCache:Tls:CertificatePath"] = certificate == "" ? _silo.Certificate : certificate,
        ["LlmCache:Tls:KeyPath"] = key == "" ? _silo.Key : key,
        ["LlmCache:Tls:CaCertificatePath"] = ca == "" ? _caPath : ca,
        ["LlmCache:Tls:ServerName"] = serverName,
    };

    private static Dictionary<string, string?> RedisSilo(string redis) => new()
    {
        ["LlmCache:Silo:Clustering"] = "Redis",
        ["ConnectionStrings:Redis"] = redis,
        ["POD_IP"] = "10.244.1.17",
    };

    private static HostApplicationBuilder SiloBuilder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    private static void SiloAccepts(Dictionary<string, string?> settings) => SiloBuilder(settings).AddOrleansLlmCacheSilo();

    private static string SiloRefuses(Dictionary<string, string?> settings) =>
        Assert.Throws<LlmCacheStartupException>(() => SiloBuilder(settings).AddOrleansLlmCacheSilo()).Message;

    private string ClientRefuses(Action<TlsConnectionOptions> change)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        return Assert.Throws<ArgumentException>(() => builder.UseOrleansClient(client => client.UseOrleansLlmCacheCluster(o =>
        {
            o.Tls.Enabled = true;
            o.Tls.CaCertificatePath = _caPath;
            o.Tls.ServerName = TlsCluster.ServerName;
            change(o.Tls);
        }))).Message;
    }
}
