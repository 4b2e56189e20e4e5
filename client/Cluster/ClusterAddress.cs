using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansLlmCache.Cli.Commands;

namespace OrleansLlmCache.Cli.Cluster;

/// <summary>Where a running cluster is: its Redis membership, or one gateway endpoint; and the cluster's ids.</summary>
internal sealed record ClusterAddress(IPEndPoint? Gateway, string? RedisConnectionString, string ClusterId, string ServiceId)
{
    /// <summary>The key presented to silos that enforce tenant access; never printed.</summary>
    public string? AccessKey { get; init; }

    public static ClusterAddress Parse(string gateway, string? redis, string clusterId, string serviceId)
    {
        if (!string.IsNullOrWhiteSpace(redis))
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(redis);
            }
            catch (ArgumentException ex)
            {
                throw new CommandFailure($"--redis '{redis}' is not a Redis connection string such as 127.0.0.1:6379 ({ex.Message}).");
            }

            return new ClusterAddress(null, redis, clusterId, serviceId);
        }

        var colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new CommandFailure($"--gateway '{gateway}' is not host:port, such as 127.0.0.1:30000.");
        }

        var host = gateway[..colon];
        var address = IPAddress.TryParse(host, out var ip) ? ip : Resolve(host);
        return new ClusterAddress(new IPEndPoint(address, port), null, clusterId, serviceId);
    }

    private static IPAddress Resolve(string host)
    {
        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new CommandFailure($"--gateway host '{host}' does not resolve to an address.");
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            throw new CommandFailure($"--gateway host '{host}' does not resolve ({ex.Message}); give a host name or IP address that does, such as 127.0.0.1:30000.");
        }
    }

    /// <summary>The Redis endpoints as host:port, without the rest of the connection string (it may hold a password).</summary>
    public string? RedisEndpoints => RedisConnectionString is null
        ? null
        : string.Join(", ", StackExchange.Redis.ConfigurationOptions.Parse(RedisConnectionString).EndPoints.Select(e => e switch
        {
            DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => e.ToString(),
        }));

    public override string ToString() => RedisConnectionString is null
        ? $"{Gateway} (cluster {ClusterId})"
        : $"Redis membership {RedisEndpoints} (cluster {ClusterId})";
}
