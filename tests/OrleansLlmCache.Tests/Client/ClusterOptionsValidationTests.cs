using Microsoft.Extensions.Hosting;

namespace OrleansLlmCache.Tests.Client;

/// <summary>A client pointed at the cluster with wrong settings is refused when it is configured, every setting named.</summary>
public sealed class ClusterOptionsValidationTests
{
    [Fact]
    public void WrongClusterSettings_AreRefusedTogether_EachNamed()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ArgumentException? refused = null;
        builder.UseOrleansClient(client => refused = Assert.Throws<ArgumentException>("configure", () => client.UseOrleansLlmCacheCluster(o =>
        {
            o.ClusterId = " ";
            o.ConnectAttempts = -1;
            o.RedisConnectionString = "127.0.0.1:6379,ssl=maybe";
        })));

        Assert.NotNull(refused);
        Assert.Contains("LlmCache:Cluster:ClusterId must not be empty", refused.Message, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Cluster:ConnectAttempts must be 0 (retry forever) or more; got -1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Cluster:RedisConnectionString is malformed", refused.Message, StringComparison.Ordinal);
    }
}
