using System.Data.Common;
using System.Net;
using OrleansLlmCache.Core.Secrets;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Where the cache cluster is, in one connection string (<c>ConnectionStrings:{name}</c>), as Aspire passes a reference
/// to an app: <c>Redis=redis:6379,password=...;ClusterId=llmcache;ServiceId=llmcache</c> (gateways read from Redis
/// membership, with the OrleansLlmCache.Client.Redis package) or <c>Gateways=10.0.0.5:30000,10.0.0.6:30000;ClusterId=llmcache</c>
/// (fixed gateways). Keys are case-insensitive; <c>ClusterId</c>, <c>ServiceId</c> and <c>AccessKey</c> are optional
/// and default to <see cref="LlmCacheClusterOptions"/>'s.
/// </summary>
internal sealed class LlmCacheConnectionString
{
    public const string RedisKey = "Redis";
    public const string GatewaysKey = "Gateways";
    public const string ClusterIdKey = "ClusterId";
    public const string ServiceIdKey = "ServiceId";
    public const string AccessKeyKey = "AccessKey";

    private static readonly string[] Keys = [RedisKey, GatewaysKey, ClusterIdKey, ServiceIdKey, AccessKeyKey];

    private const string Example = "Redis=localhost:6379;ClusterId=llmcache;ServiceId=llmcache";

    private LlmCacheConnectionString()
    {
    }

    /// <summary>The Redis connection string of the cluster's membership.</summary>
    public string? Redis { get; private init; }

    /// <summary>The fixed gateways, when the cluster is not found through Redis.</summary>
    public IReadOnlyList<IPEndPoint> Gateways { get; private init; } = [];

    public string? ClusterId { get; private init; }

    public string? ServiceId { get; private init; }

    public string? AccessKey { get; private init; }

    /// <summary>
    /// Parses the connection string <paramref name="value"/> of <c>ConnectionStrings:<paramref name="connectionName"/></c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">It is missing or malformed; the message names the setting, the key and what it should look like.</exception>
    public static LlmCacheConnectionString Parse(string connectionName, string? value)
    {
        var setting = $"ConnectionStrings:{connectionName}";
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{setting} is not set: it says where the LLM cache cluster is, for example \"{Example}\".");
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = value;
        }
        catch (ArgumentException)
        {
            // The parser's own message quotes nothing useful, and the value may hold a password.
            throw new InvalidOperationException($"{setting} is not a connection string of Key=Value pairs separated by ';'; it should look like \"{Example}\".");
        }

        var unknown = builder.Keys.Cast<string>().Where(k => !Keys.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"{setting} has {(unknown.Count == 1 ? "a key" : "keys")} it does not know ({string.Join(", ", unknown)}); the keys are {string.Join(", ", Keys)}.");
        }

        var redis = Value(builder, RedisKey);
        var gateways = Value(builder, GatewaysKey);
        if (redis is null == gateways is null)
        {
            throw new InvalidOperationException(
                $"{setting} must name the cluster either by {RedisKey}= (its Redis membership, for example \"{Example}\") or by {GatewaysKey}= (fixed gateways, for example \"Gateways=127.0.0.1:30000;ClusterId=llmcache\"), {(redis is null ? "and names neither" : "not both")}.");
        }

        if (redis is not null)
        {
            CheckRedis(setting, redis);
        }

        return new LlmCacheConnectionString
        {
            Redis = redis,
            Gateways = gateways is null ? [] : ParseGateways(setting, gateways),
            ClusterId = Value(builder, ClusterIdKey),
            ServiceId = Value(builder, ServiceIdKey),
            AccessKey = Value(builder, AccessKeyKey),
        };
    }

    /// <summary>Sets what the connection string names on <paramref name="options"/>, leaving the rest as it is.</summary>
    public void ApplyTo(LlmCacheClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RedisConnectionString = Redis;
        options.Gateways = [.. Gateways];
        options.ClusterId = ClusterId ?? options.ClusterId;
        options.ServiceId = ServiceId ?? options.ServiceId;
        options.AccessKey = AccessKey ?? options.AccessKey;
    }

    private static string? Value(DbConnectionStringBuilder builder, string key) =>
        builder.TryGetValue(key, out var value) && value?.ToString() is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private static void CheckRedis(string setting, string redis)
    {
        if (GatewayMemberships.Redis is not { } membership)
        {
            throw new InvalidOperationException(
                $"{setting} finds the cluster through Redis ({RedisKey}=), which needs the {GatewayMemberships.RedisPackage} package: add it to this app, or name fixed gateways with {GatewaysKey}= instead.");
        }

        try
        {
            membership.Parse(redis);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or NotSupportedException)
        {
            throw new InvalidOperationException($"{setting} has a malformed {RedisKey} value ({SecretRedaction.Redact(ex.Message.Split('\n')[0])}); it should look like \"Redis=localhost:6379\".");
        }
    }

    private static List<IPEndPoint> ParseGateways(string setting, string gateways)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var part in gateways.Split(',', StringSplitOptions.TrimEntries))
        {
            // Orleans' fixed gateways are addresses, not host names: a name would be resolved once and then go stale.
            if (!IPEndPoint.TryParse(part, out var endpoint) || endpoint.Port == 0)
            {
                throw new InvalidOperationException(
                    $"{setting} has a {GatewaysKey} entry '{part}' that is not an IP address with a port; list them like \"{GatewaysKey}=10.0.0.5:30000,10.0.0.6:30000\".");
            }

            endpoints.Add(endpoint);
        }

        return endpoints;
    }
}
