using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Hosting.Startup;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// The silo host's start-up with tenant access: a silo listening beyond loopback without keys refuses to start, naming
/// the settings, unless it is allowed to run open; with keys, or allowed, it goes on to its other checks.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TenantAccessStartupTests
{
    [Fact]
    public async Task ASiloListeningBeyondLoopbackWithoutKeys_RefusesToStart_NamingTheSettings()
    {
        var failure = await StartAsync([]);

        Assert.StartsWith("LlmCache:Access:Keys is empty while the silo listens on 0.0.0.0", failure.Message, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Access:AllowOpen", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LlmCache:Access:AllowOpen", "true")]
    [InlineData("LlmCache:Access:Keys:0:Operator", "true")]
    public async Task AllowedOpen_OrWithAKey_TheSiloGoesOnToItsBackends(string setting, string value)
    {
        var settings = new Dictionary<string, string?> { [setting] = value };
        if (setting.Contains("Keys", StringComparison.Ordinal))
        {
            settings["LlmCache:Access:Keys:0:Sha256"] = TestAccessKeys.Sha256(TestAccessKeys.OperatorKey);
        }

        var failure = await StartAsync(settings);

        Assert.Contains("Redis", failure.Message, StringComparison.Ordinal); // the next check: nothing listens at 127.0.0.1:1
    }

    [Fact]
    public async Task AnAccessKeyWithoutItsHash_StopsTheStart_NamingTheSetting()
    {
        var failure = await StartAsync(new Dictionary<string, string?> { ["LlmCache:Access:Keys:0:Tenants:0"] = "acme" });

        Assert.Contains("LlmCache:Access:Keys:0:Sha256 must be the 64 hex digits of the key's SHA-256", failure.Message, StringComparison.Ordinal);
    }

    // A silo configured as on Kubernetes (Redis clustering, every interface), with Redis unreachable and one attempt.
    private static async Task<LlmCacheStartupException> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.AddOrleansLlmCacheSilo(o =>
        {
            o.Clustering = ClusteringMode.Redis;
            o.RedisConnectionString = "127.0.0.1:1";
            o.ListenOnAnyHostAddress = true;
            o.SiloPort = FreePorts.Next();
            o.GatewayPort = FreePorts.Next();
            o.StartupConnectAttempts = 1;
        });
        using var host = builder.Build();
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        return LlmCacheStartupException.Find(thrown) ?? throw new Xunit.Sdk.XunitException($"not a start-up refusal: {thrown}");
    }
}
