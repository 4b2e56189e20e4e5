using OrleansLlmCache.Samples.AppHost;

// The whole local cluster from one command, `dotnet run --project samples/AppHost` on a machine with Docker (docs/aspire.md):
// Redis (the silos' membership), PostgreSQL (the entries), two silos, and the sample app server that answers POST /ask
// through the cache. The Aspire dashboard shows every project's logs, traces and metrics.
var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis(AppModel.Redis);
var postgres = builder.AddPostgres(AppModel.Postgres);
var database = postgres.AddDatabase(AppModel.Database, databaseName: "llmcache");

// Aspire's Orleans resource gives each silo replica its cluster's ids, Redis clustering (Orleans__Clustering__* and
// ConnectionStrings__redis) and ports of its own (Orleans__Endpoints__*), which the silo reads as its own settings.
var orleans = builder.AddOrleans(AppModel.Orleans)
    .WithClusterId(AppModel.ClusterId)
    .WithServiceId(AppModel.ServiceId)
    .WithClustering(redis);

// What the Orleans resource has no words for is the silo's own configuration: entries in PostgreSQL, and the port of
// its web endpoints (/health, /metrics, the Orleans Dashboard and the cache page).
var silo = builder.AddProject<Projects.OrleansLlmCache_Silo>(AppModel.Silo)
    .WithReference(orleans)
    .WithReference(database, connectionName: "PostgreSQL")
    .WithEnvironment("LlmCache__Silo__Storage", "PostgreSQL")
    .WithHttpEndpoint(name: "http", env: "LlmCache__Silo__HttpPort")
    .WithHttpHealthCheck("/health")
    .WithReplicas(AppModel.SiloReplicas)
    .WaitFor(redis)
    .WaitFor(database);

// The app server finds the cluster through one connection string, ConnectionStrings__llmcache, read by
// builder.AddOrleansLlmCache("llmcache"): Redis membership and the cluster's ids.
var cache = builder.AddConnectionString(AppModel.Cache, ReferenceExpression.Create(
    $"Redis={redis.Resource};ClusterId={AppModel.ClusterId};ServiceId={AppModel.ServiceId}"));

builder.AddProject<Projects.OrleansLlmCache_Samples_AppServer>(AppModel.AppServer)
    .WithReference(cache)
    .WithHttpEndpoint(name: "http")
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WaitFor(silo);

builder.Build().Run();
