using System.Diagnostics.CodeAnalysis;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Finds the membership implementations that live in packages of their own. Looked up by name rather than referenced,
/// so the client package does not depend on StackExchange.Redis and the Orleans Redis clustering provider: an app that
/// sets <see cref="LlmCacheClusterOptions.RedisConnectionString"/> references OrleansLlmCache.Client.Redis, which brings them.
/// </summary>
internal static class GatewayMemberships
{
    /// <summary>The package (and assembly) that reads gateways from Redis membership.</summary>
    public const string RedisPackage = "OrleansLlmCache.Client.Redis";

    private const string RedisTypeName = "OrleansLlmCache.Client.Redis.RedisGatewayMembership";

    private static readonly Lazy<IGatewayMembership?> RedisMembership = new(LoadRedis);

    /// <summary>Redis membership, or null when the app does not reference <see cref="RedisPackage"/>.</summary>
    public static IGatewayMembership? Redis => RedisMembership.Value;

    // Keeps the type when an app is trimmed: nothing references it statically.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, RedisTypeName, RedisPackage)]
    private static IGatewayMembership? LoadRedis() =>
        Type.GetType($"{RedisTypeName}, {RedisPackage}", throwOnError: false) is { } type
            ? (IGatewayMembership?)Activator.CreateInstance(type)
            : null;
}
