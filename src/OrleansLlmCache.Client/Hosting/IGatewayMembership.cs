namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Cluster membership kept in a store named by a connection string (<see cref="LlmCacheClusterOptions.RedisConnectionString"/>):
/// the client reads the gateways from there instead of a fixed list. The OrleansLlmCache.Client.Redis package implements
/// it; the client looks for that package only when the setting is used, so an app server that lists its gateways
/// carries no Redis client.
/// </summary>
public interface IGatewayMembership
{
    /// <summary>Parses <paramref name="connectionString"/> as the store's client would.</summary>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    void Parse(string connectionString);

    /// <summary>Points <paramref name="builder"/>'s Orleans client at the membership kept in the store.</summary>
    void Configure(IClientBuilder builder, string connectionString);
}
