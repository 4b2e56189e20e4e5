namespace OrleansLlmCache.Samples.AppHost;

/// <summary>
/// The AppHost's resources: Redis (the silos' membership), PostgreSQL (the entries), two silos, and the sample app
/// server that answers POST /ask through the cache. The tests build the same model without running it.
/// </summary>
public static class AppModel
{
    public const string Redis = "redis";
    public const string Postgres = "postgres";
    public const string Database = "cachedb";
    public const string Orleans = "orleans";
    public const string Silo = "silo";
    public const string Cache = "llmcache";
    public const string AppServer = "appserver";

    public const string ClusterId = "llmcache";
    public const string ServiceId = "llmcache";

    /// <summary>Two silos: a cluster whose grains move between them, as in production.</summary>
    public const int SiloReplicas = 2;

    /// <summary>Adds the cluster, its backends and the app server to <paramref name="builder"/>.</summary>
    public static void AddResources(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var redis = builder.AddRedis(Redis);
        var postgres = builder.AddPostgres(Postgres);
        var database = postgres.AddDatabase(Database, databaseName: "llmcache");

        // Aspire's Orleans resource gives each silo replica its cluster's ids, Redis clustering (Orleans__Clustering__*
        // and ConnectionStrings__redis) and ports of its own (Orleans__Endpoints__*), which the silo reads as its own
        // settings.
        var orleans = builder.AddOrleans(Orleans)
            .WithClusterId(ClusterId)
            .WithServiceId(ServiceId)
            .WithClustering(redis);

        // What the Orleans resource has no words for is the silo's own configuration: entries in PostgreSQL, and the port
        // of its web endpoints (/health, /metrics, the Orleans Dashboard and the cache page).
        var silo = builder.AddProject<Projects.OrleansLlmCache_Silo>(Silo)
            .WithReference(orleans)
            .WithReference(database, connectionName: "PostgreSQL")
            .WithEnvironment("LlmCache__Silo__Storage", "PostgreSQL")
            .WithHttpEndpoint(name: "http", env: "LlmCache__Silo__HttpPort")
            .WithHttpHealthCheck("/health")
            .WithReplicas(SiloReplicas)
            .WaitFor(redis)
            .WaitFor(database);

        // The app server finds the cluster through one connection string, ConnectionStrings__llmcache, read by
        // builder.AddOrleansLlmCache("llmcache"): Redis membership and the cluster's ids.
        var cache = builder.AddConnectionString(Cache, ReferenceExpression.Create(
            $"Redis={redis.Resource};ClusterId={ClusterId};ServiceId={ServiceId}"));

        builder.AddProject<Projects.OrleansLlmCache_Samples_AppServer>(AppServer)
            .WithReference(cache)
            .WithHttpEndpoint(name: "http")
            .WithExternalHttpEndpoints()
            .WithHttpHealthCheck("/health")
            .WaitFor(silo);
    }
}
