using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Hosting;

namespace OrleansLlmCache.Tests.Client;

/// <summary>
/// <c>builder.AddOrleansLlmCache("llmcache")</c>: the cluster named by one connection string, as an Aspire AppHost's
/// <c>WithReference</c> passes it, read at start-up with errors that name the setting.
/// </summary>
public sealed class LlmCacheConnectionStringTests
{
    [Fact]
    public void RedisMembership_WithIdsAndAPasswordHoldingEquals_IsRead()
    {
        var connection = LlmCacheConnectionString.Parse("llmcache", "Redis=localhost:6379,password=a=b;ClusterId=prod;ServiceId=shop;AccessKey=0123456789abcdef0123");

        Assert.Equal("localhost:6379,password=a=b", connection.Redis);
        Assert.Empty(connection.Gateways);
        Assert.Equal(("prod", "shop", "0123456789abcdef0123"), (connection.ClusterId, connection.ServiceId, connection.AccessKey));
    }

    [Fact]
    public void FixedGateways_AreRead_WithCaseInsensitiveKeys_AndTheIdsLeftToTheirDefaults()
    {
        var connection = LlmCacheConnectionString.Parse("llmcache", "gateways=10.0.0.5:30000, [::1]:30001");
        var options = new LlmCacheClusterOptions();

        connection.ApplyTo(options);

        Assert.Equal([IPEndPoint.Parse("10.0.0.5:30000"), IPEndPoint.Parse("[::1]:30001")], options.Gateways);
        Assert.Null(options.RedisConnectionString);
        Assert.Equal((new LlmCacheClusterOptions().ClusterId, new LlmCacheClusterOptions().ServiceId), (options.ClusterId, options.ServiceId));
    }

    [Theory]
    [InlineData(null, "ConnectionStrings:llmcache is not set")]
    [InlineData("  ", "ConnectionStrings:llmcache is not set")]
    [InlineData("Redis", "ConnectionStrings:llmcache is not a connection string of Key=Value pairs")]
    [InlineData("ClusterId=prod", "ConnectionStrings:llmcache must name the cluster either by Redis= ")]
    [InlineData("ClusterId=prod", "and names neither")]
    [InlineData("Redis=localhost:6379;Gateways=127.0.0.1:30000", "by Gateways= (fixed gateways, for example \"Gateways=127.0.0.1:30000;ClusterId=llmcache\"), not both")]
    [InlineData("Redis=localhost:6379;Endpoint=tcp://x;Tenant=a", "has keys it does not know (endpoint, tenant)")]
    [InlineData("Gateways=silo-0:30000", "has a Gateways entry 'silo-0:30000' that is not an IP address with a port")]
    [InlineData("Gateways=127.0.0.1", "has a Gateways entry '127.0.0.1' that is not an IP address with a port")]
    [InlineData("Redis=localhost:6379,nosuchoption=1", "ConnectionStrings:llmcache has a malformed Redis value")]
    public void AMissingOrMalformedConnectionString_IsRefused_NamingTheSetting(string? value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => LlmCacheConnectionString.Parse("llmcache", value));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:llmcache", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedRedisValue_DoesNotShowThePassword()
    {
        var error = Assert.Throws<InvalidOperationException>(() => LlmCacheConnectionString.Parse("cache", "Redis=localhost:6379,password=hunter2secret,nosuchoption=1"));

        Assert.DoesNotContain("hunter2secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddOrleansLlmCache_BindsTheClientFromTheConnectionString_AndCodeWinsOverIt()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:llmcache"] = "Gateways=127.0.0.1:30500,127.0.0.1:30501;ClusterId=from-the-apphost;ServiceId=shop",
            ["LlmCache:Client:Tenant"] = "acme",
        });

        builder.AddOrleansLlmCache("llmcache", cluster => cluster.ServiceId = "from-code", cache => cache.Namespace = "support");
        using var host = builder.Build();

        // The Orleans client is made but not started: its own services show what it would connect to.
        var client = host.Services.GetRequiredService<IClusterClient>().ServiceProvider;
        var ids = client.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("from-the-apphost", "from-code"), (ids.ClusterId, ids.ServiceId));
        Assert.Equal(
            [new Uri("gwy.tcp://127.0.0.1:30500/0"), new Uri("gwy.tcp://127.0.0.1:30501/0")],
            client.GetRequiredService<IOptions<StaticGatewayListProviderOptions>>().Value.Gateways);
        var cacheOptions = host.Services.GetRequiredService<IOptions<LlmCacheOptions>>().Value;
        Assert.Equal(("acme", "support"), (cacheOptions.Tenant, cacheOptions.Namespace));
        Assert.NotNull(host.Services.GetService<ILlmCache>());
    }

    [Fact]
    public void AddOrleansLlmCache_WithAWrongConnectionString_FailsWhenTheAppIsConfigured()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:cache"] = "Gateways=nowhere" });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddOrleansLlmCache("cache"));

        Assert.StartsWith("ConnectionStrings:cache has a Gateways entry 'nowhere'", error.Message, StringComparison.Ordinal);
    }
}
