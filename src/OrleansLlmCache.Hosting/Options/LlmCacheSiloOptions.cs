namespace OrleansLlmCache.Hosting.Options;

/// <summary>
/// How a silo joins its cluster and where it keeps entries (configuration section <c>LlmCache:Silo</c>; environment
/// variables such as <c>LlmCache__Silo__GatewayPort=30001</c> override it). Connection strings live in
/// <c>ConnectionStrings:Redis</c> and <c>ConnectionStrings:PostgreSQL</c>; PostgreSQL storage has settings of its own
/// (<c>LlmCache:PostgreSQL</c>, <c>PostgresStorageOptions</c>):
/// <code>
/// "LlmCache": { "Silo": { "ClusterId": "llmcache", "ServiceId": "llmcache", "SiloPort": 11111, "GatewayPort": 30000,
///                         "Clustering": "Redis", "Storage": "PostgreSQL", "AdvertisedIPAddress": "10.0.0.12" } },
/// "ConnectionStrings": { "Redis": "redis:6379", "PostgreSQL": "Host=pg;Database=llmcache;Username=llmcache;Password=..." }
/// </code>
/// </summary>
public sealed class LlmCacheSiloOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Silo";

    /// <summary>The cluster id; silos and clients of one cluster share it. Default: <c>llmcache-dev</c>.</summary>
    public string ClusterId { get; set; } = "llmcache-dev";

    /// <summary>The service id; stable across deployments because stored state is keyed by it. Default: <c>llmcache</c>.</summary>
    public string ServiceId { get; set; } = "llmcache";

    /// <summary>Port for silo-to-silo traffic. Default: 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to. Default: 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>How silos find each other. Default: <see cref="ClusteringMode.Localhost"/>.</summary>
    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;

    /// <summary>Where entries are kept. Default: <see cref="StorageMode.Memory"/>.</summary>
    public StorageMode Storage { get; set; } = StorageMode.Memory;

    /// <summary>
    /// The address other silos and clients reach this silo at, with Redis clustering. Default: the <c>POD_IP</c>
    /// environment variable when it is set (Kubernetes), otherwise 127.0.0.1, for several silos on one machine.
    /// </summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface rather than only the advertised address (containers). Default: false.</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>
    /// Port of the silo program's HTTP endpoints (<c>/health</c>, <c>/alive</c>, and later the dashboard); hosts
    /// without a web server (in-process test silos, the CLI's embedded silo) ignore it. Default: 8080.
    /// </summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>
    /// How long the host waits for the silo to leave the cluster cleanly when asked to stop (SIGTERM); a Kubernetes
    /// termination grace period must be longer. Default: 30 seconds (the .NET host's own default).
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The Redis connection string (<c>ConnectionStrings:Redis</c>), required with Redis clustering.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// How many times start-up tries to reach Redis and PostgreSQL before giving up, 1, 2, then 3 s apart (a Redis
    /// attempt takes at most 1 s). Default: 5 (about 15 s).
    /// </summary>
    public int StartupConnectAttempts { get; set; } = 5;

    /// <summary>
    /// With Redis clustering, how often the silo reads the cluster's membership from Redis, keeps a copy, and puts it
    /// back if Redis has lost it (restarted without persistence, failed over to an empty replica, flushed). Default: 5 seconds.
    /// </summary>
    public TimeSpan MembershipCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
