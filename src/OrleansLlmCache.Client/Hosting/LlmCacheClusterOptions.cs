using System.Net;
using OrleansLlmCache.Abstractions.Tls;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Where an app server finds the cache cluster (configuration section <c>LlmCache:Cluster</c>):
/// <code>
/// "LlmCache": { "Cluster": { "ClusterId": "llmcache", "ServiceId": "llmcache", "RedisConnectionString": "redis:6379",
///                             "AccessKey": "from a secret store" } }
/// </code>
/// With a Redis connection string the client reads the gateways from Redis membership (what production silos
/// publish); otherwise it uses <see cref="Gateways"/>, or the local default gateway 127.0.0.1:30000.
/// </summary>
public sealed class LlmCacheClusterOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Cluster";

    /// <summary>The cluster id the silos use. Default: <c>llmcache-dev</c>.</summary>
    public string ClusterId { get; set; } = "llmcache-dev";

    /// <summary>The service id the silos use. Default: <c>llmcache</c>.</summary>
    public string ServiceId { get; set; } = "llmcache";

    /// <summary>
    /// Redis holding the cluster's membership; when set, gateways are discovered there. Needs the
    /// OrleansLlmCache.Client.Redis package in the app.
    /// </summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Fixed gateway addresses, used when no Redis connection string is set. Default: 127.0.0.1:30000.</summary>
    public IList<IPEndPoint> Gateways { get; set; } = [];

    /// <summary>
    /// Attempts to reach a gateway at start-up before the host fails (half a second apart); 0 retries forever.
    /// Default: 10.
    /// </summary>
    public int ConnectAttempts { get; set; } = 10;

    /// <summary>
    /// The key this app server presents to the silos with every call, when they enforce tenant access (their
    /// <c>LlmCache:Access:Keys</c> hold its SHA-256 with the tenants it reaches). Read from the configuration setting
    /// <c>LlmCache:Cluster:AccessKey</c> when code does not set it; keep it in a secret store, not in source, and turn
    /// <see cref="Tls"/> on so it does not cross the network in clear. Default: none, for silos that do not enforce
    /// access (the embedded default).
    /// </summary>
    public string? AccessKey { get; set; }

    /// <summary>
    /// TLS to the silos' gateways (<c>LlmCache:Cluster:Tls</c>): on when the silos have it on (<c>LlmCache:Tls</c>),
    /// with a client certificate when they require one. Off by default.
    /// </summary>
    public TlsConnectionOptions Tls { get; set; } = new();
}
