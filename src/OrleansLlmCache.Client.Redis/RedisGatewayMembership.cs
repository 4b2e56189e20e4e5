using Microsoft.Extensions.Hosting;
using OrleansLlmCache.Client.Hosting;
using StackExchange.Redis;

namespace OrleansLlmCache.Client.Redis;

/// <summary>
/// Reads the cluster's gateways from Redis membership. The client creates it when
/// <see cref="LlmCacheClusterOptions.RedisConnectionString"/> is set; an app only references this package.
/// </summary>
public sealed class RedisGatewayMembership : IGatewayMembership
{
    /// <inheritdoc />
    public void Parse(string connectionString) => ConfigurationOptions.Parse(connectionString);

    /// <inheritdoc />
    public void Configure(IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var redis = ConfigurationOptions.Parse(connectionString);
        builder.UseRedisClustering(o => o.ConfigurationOptions = redis);
    }
}
