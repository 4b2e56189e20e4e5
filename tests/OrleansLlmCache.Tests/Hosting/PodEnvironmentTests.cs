using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Hosting.Startup;

namespace OrleansLlmCache.Tests.Hosting;

/// <summary>On Kubernetes the silo takes its address and name from the downward API's POD_IP and POD_NAME.</summary>
public sealed class PodEnvironmentTests
{
    [Fact]
    public void RedisClustering_AdvertisesPodIp_WhenNoAddressIsConfigured()
    {
        var options = Options(new() { ["LlmCache:Silo:Clustering"] = "Redis", ["POD_IP"] = "10.244.3.9" });

        Assert.Equal("10.244.3.9", options.AdvertisedIPAddress);
    }

    [Fact]
    public void ConfiguredAdvertisedAddress_WinsOverPodIp()
    {
        var options = Options(new() { ["LlmCache:Silo:Clustering"] = "Redis", ["LlmCache:Silo:AdvertisedIPAddress"] = "10.0.0.5", ["POD_IP"] = "10.244.3.9" });

        Assert.Equal("10.0.0.5", options.AdvertisedIPAddress);
    }

    [Fact]
    public void LocalhostClustering_IgnoresPodIp()
    {
        var options = Options(new() { ["POD_IP"] = "10.244.3.9" });

        Assert.Equal("127.0.0.1", options.AdvertisedIPAddress);
    }

    [Fact]
    public void MalformedPodIp_IsRefusedByName()
    {
        var error = Assert.Throws<LlmCacheStartupException>(() => Options(new() { ["LlmCache:Silo:Clustering"] = "Redis", ["POD_IP"] = "not-an-ip" }));

        Assert.Contains("AdvertisedIPAddress 'not-an-ip' is not an IP address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PodName_IsTheSiloName_AndShutdownTimeoutReachesTheHost()
    {
        using var host = Builder(new() { ["POD_NAME"] = "llmcache-silo-5f7d-x2k9q", ["LlmCache:Silo:ShutdownTimeout"] = "00:00:12" }).Build();

        Assert.Equal("llmcache-silo-5f7d-x2k9q", host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        Assert.Equal(TimeSpan.FromSeconds(12), host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    private static LlmCacheSiloOptions Options(Dictionary<string, string?> settings) =>
        (LlmCacheSiloOptions)Builder(settings).Services.Single(d => d.ServiceType == typeof(LlmCacheSiloOptions)).ImplementationInstance!;

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        settings.TryAdd("ConnectionStrings:Redis", "127.0.0.1:6379,ssl=true"); // over TLS, as a silo in a pod must reach it
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOrleansLlmCacheSilo();
        return builder;
    }
}
