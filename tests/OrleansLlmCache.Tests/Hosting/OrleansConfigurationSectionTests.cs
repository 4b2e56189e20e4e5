using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Hosting.Startup;
using StackExchange.Redis;

namespace OrleansLlmCache.Tests.Hosting;

/// <summary>
/// The silo takes the configuration an Aspire AppHost's Orleans resource gives it (<c>Orleans__*</c> environment
/// variables and the referenced Redis' connection string) as its own settings.
/// </summary>
public sealed class OrleansConfigurationSectionTests
{
    private static readonly Dictionary<string, string?> Aspire = new()
    {
        ["Orleans:ClusterId"] = "aspire-cluster",
        ["Orleans:ServiceId"] = "aspire-service",
        ["Orleans:EnableDistributedTracing"] = "true",
        ["Orleans:Clustering:ProviderType"] = "Redis",
        ["Orleans:Clustering:ServiceKey"] = "cache-redis",
        ["ConnectionStrings:cache-redis"] = "127.0.0.1:16379,password=secret",
        ["Orleans:Endpoints:SiloPort"] = "21001",
        ["Orleans:Endpoints:GatewayPort"] = "31001",
    };

    [Fact]
    public void AspiresSettings_BecomeTheSilosOwn()
    {
        var options = Options(Aspire);

        Assert.Equal((ClusteringMode.Redis, "127.0.0.1:16379,password=secret"), (options.Clustering, options.RedisConnectionString));
        Assert.Equal(("aspire-cluster", "aspire-service"), (options.ClusterId, options.ServiceId));
        Assert.Equal((21001, 31001), (options.SiloPort, options.GatewayPort));
    }

    [Fact]
    public void AspiresSettings_WinOverTheSilosDefaults_InLlmCacheSilo()
    {
        var settings = new Dictionary<string, string?>(Aspire)
        {
            ["LlmCache:Silo:ClusterId"] = "llmcache-dev",
            ["LlmCache:Silo:SiloPort"] = "11111",
            ["LlmCache:Silo:GatewayPort"] = "30000",
            ["LlmCache:Silo:Clustering"] = "Localhost",
        };

        var options = Options(settings);

        Assert.Equal(("aspire-cluster", 21001, 31001, ClusteringMode.Redis), (options.ClusterId, options.SiloPort, options.GatewayPort, options.Clustering));
    }

    [Fact]
    public void TheBuiltSilo_UsesAspiresIdsAndPorts_AndSharesOneRedisConnectionUnderTheServiceKey()
    {
        var builder = Builder(Aspire);
        // Orleans' own Redis provider, configured from the same section, asks for this connection.
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IConnectionMultiplexer) && Equals(d.ServiceKey, "cache-redis"));
        using var host = builder.Build();

        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(("aspire-cluster", "aspire-service"), (cluster.ClusterId, cluster.ServiceId));
        Assert.Equal((21001, 31001), (endpoints.SiloPort, endpoints.GatewayPort));
    }

    [Fact]
    public void DevelopmentClustering_IsOneSiloOnThisMachine()
    {
        var options = Options(new() { ["Orleans:Clustering:ProviderType"] = "Development", ["Orleans:Endpoints:SiloPort"] = "21002", ["Orleans:Endpoints:GatewayPort"] = "31002" });

        Assert.Equal((ClusteringMode.Localhost, 21002, 31002), (options.Clustering, options.SiloPort, options.GatewayPort));
    }

    [Fact]
    public void ConnectionNameOrConnectionString_AlsoNameTheRedis()
    {
        var byName = Options(new() { ["Orleans:Clustering:ProviderType"] = "Redis", ["Orleans:Clustering:ConnectionName"] = "members", ["ConnectionStrings:members"] = "10.0.0.9:6379" });
        var direct = Options(new() { ["Orleans:Clustering:ProviderType"] = "Redis", ["Orleans:Clustering:ConnectionString"] = "10.0.0.8:6379" });

        Assert.Equal("10.0.0.9:6379", byName.RedisConnectionString);
        Assert.Equal("10.0.0.8:6379", direct.RedisConnectionString);
    }

    [Theory]
    [InlineData("Orleans:Clustering:ProviderType", "AzureTableStorage", "Orleans:Clustering:ProviderType is 'AzureTableStorage', which this silo does not run")]
    [InlineData("Orleans:Clustering:ProviderType", "redis", "Orleans:Clustering:ProviderType is 'redis', which this silo does not run: use Redis")]
    [InlineData("Orleans:Clustering:ServiceKey", "missing-redis", "Orleans:Clustering uses the Redis connection string ConnectionStrings:missing-redis, which is not set.")]
    [InlineData("Orleans:Endpoints:SiloPort", "70000", "Orleans:Endpoints:SiloPort '70000' is not a port number (1 to 65535).")]
    [InlineData("Orleans:Endpoints:GatewayPort", "gateway", "Orleans:Endpoints:GatewayPort 'gateway' is not a port number (1 to 65535).")]
    public void AValueTheSiloCannotUse_IsRefusedByName(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>(Aspire) { [key] = value };

        var error = Assert.Throws<LlmCacheStartupException>(() => Options(settings));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RedisWithoutAnyConnection_IsRefusedByName()
    {
        var error = Assert.Throws<LlmCacheStartupException>(() => Options(new() { ["Orleans:Clustering:ProviderType"] = "Redis" }));

        Assert.Contains("Orleans:Clustering:ProviderType is Redis but neither Orleans:Clustering:ServiceKey, ConnectionName nor ConnectionString says which Redis to use.", error.Message, StringComparison.Ordinal);
    }

    private static LlmCacheSiloOptions Options(Dictionary<string, string?> settings) =>
        (LlmCacheSiloOptions)Builder(settings).Services.Single(d => d.ServiceType == typeof(LlmCacheSiloOptions)).ImplementationInstance!;

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOrleansLlmCacheSilo();
        return builder;
    }
}
