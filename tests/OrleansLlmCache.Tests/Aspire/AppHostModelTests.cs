using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OrleansLlmCache.Client.Hosting;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Samples.AppHost;

namespace OrleansLlmCache.Tests.Aspire;

/// <summary>The sample AppHost's resources, references and environment, read from its app model without running it.</summary>
public sealed class AppHostModelTests(AppHostModelFixture app) : IClassFixture<AppHostModelFixture>
{
    [Fact]
    public void TheModel_HasRedisPostgresTwoSilosTheCacheConnectionAndTheAppServer()
    {
        var resources = app.Model.Resources.ToDictionary(r => r.Name);
        Assert.IsType<RedisResource>(resources[AppModel.Redis]);
        Assert.IsType<PostgresServerResource>(resources[AppModel.Postgres]);
        Assert.Equal("llmcache", Assert.IsType<PostgresDatabaseResource>(resources[AppModel.Database]).DatabaseName);
        var silo = Assert.IsType<ProjectResource>(resources[AppModel.Silo]);
        Assert.Equal(2, silo.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
        Assert.EndsWith("OrleansLlmCache.Silo.csproj", silo.GetProjectMetadata().ProjectPath, StringComparison.Ordinal);
        Assert.IsType<ProjectResource>(resources[AppModel.AppServer]);
        Assert.IsAssignableFrom<IResourceWithConnectionString>(resources[AppModel.Cache]);
    }

    [Fact]
    public async Task EachSilo_GetsAspiresOrleansSettings_RedisClustering_PostgresStorage_AndPortsOfItsOwn()
    {
        var environment = await app.EnvironmentOfAsync(AppModel.Silo);

        Assert.Equal(AppModel.ClusterId, environment["Orleans__ClusterId"]);
        Assert.Equal(AppModel.ServiceId, environment["Orleans__ServiceId"]);
        Assert.Equal("Redis", environment["Orleans__Clustering__ProviderType"]);
        Assert.Equal(AppModel.Redis, environment["Orleans__Clustering__ServiceKey"]);
        Assert.Equal("{redis.connectionString}", environment["ConnectionStrings__redis"]);
        Assert.Equal("{silo.bindings.orleans-silo.targetPort}", environment["Orleans__Endpoints__SiloPort"]);
        Assert.Equal("{silo.bindings.orleans-gateway.targetPort}", environment["Orleans__Endpoints__GatewayPort"]);
        Assert.Equal("{silo.bindings.http.targetPort}", environment["LlmCache__Silo__HttpPort"]);
        Assert.Equal("PostgreSQL", environment["LlmCache__Silo__Storage"]);
        Assert.Equal("{cachedb.connectionString}", environment["ConnectionStrings__PostgreSQL"]);
        Assert.Single(app.Model.Resources.Single(r => r.Name == AppModel.Silo).Annotations.OfType<OtlpExporterAnnotation>());
    }

    [Fact]
    public async Task TheAppServer_GetsTheCacheConnectionString_NamingRedisMembershipAndTheClustersIds()
    {
        var environment = await app.EnvironmentOfAsync(AppModel.AppServer);
        var cache = (IResourceWithConnectionString)app.Model.Resources.Single(r => r.Name == AppModel.Cache);

        Assert.Equal("{llmcache.connectionString}", environment["ConnectionStrings__llmcache"]);
        Assert.Equal("Redis={redis.connectionString};ClusterId=llmcache;ServiceId=llmcache", cache.ConnectionStringExpression.ValueExpression);
        Assert.Single(app.Model.Resources.Single(r => r.Name == AppModel.AppServer).Annotations.OfType<OtlpExporterAnnotation>());
    }

    [Fact]
    public void TheAppServer_WaitsForTheSilos_AndTheSilosForRedisAndTheDatabase()
    {
        var resources = app.Model.Resources.ToDictionary(r => r.Name);

        Assert.Equal([AppModel.Silo], WaitsFor(resources[AppModel.AppServer]));
        Assert.Equal([AppModel.Database, AppModel.Postgres, AppModel.Redis], WaitsFor(resources[AppModel.Silo]));
    }

    [Fact]
    public async Task TheSilo_ConfiguresItselfFromTheEnvironmentTheAppHostGivesIt()
    {
        var environment = Resolve(await app.EnvironmentOfAsync(AppModel.Silo));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)));

        builder.AddOrleansLlmCacheSilo();

        var options = (LlmCacheSiloOptions)builder.Services.Single(d => d.ServiceType == typeof(LlmCacheSiloOptions)).ImplementationInstance!;
        Assert.Equal((ClusteringMode.Redis, StorageMode.PostgreSQL), (options.Clustering, options.Storage));
        Assert.Equal(RedisConnectionString, options.RedisConnectionString);
        Assert.Equal((AppModel.ClusterId, AppModel.ServiceId), (options.ClusterId, options.ServiceId));
        Assert.Equal((SiloPort, GatewayPort, HttpPort), (options.SiloPort, options.GatewayPort, options.HttpPort));
        Assert.Equal(PostgresConnectionString, builder.Configuration.GetConnectionString("PostgreSQL"));
        // Orleans' own Redis provider reads the same section and asks for the connection under the resource's name.
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(StackExchange.Redis.IConnectionMultiplexer) && Equals(d.ServiceKey, AppModel.Redis));
    }

    [Fact]
    public void TheAppServersConnectionString_ParsesToTheSilosRedisAndClusterIds()
    {
        var expression = ((IResourceWithConnectionString)app.Resource(AppModel.Cache)).ConnectionStringExpression.ValueExpression;
        var options = new LlmCacheClusterOptions();

        LlmCacheConnectionString.Parse(AppModel.Cache, Resolve(expression)).ApplyTo(options);

        Assert.Equal(RedisConnectionString, options.RedisConnectionString);
        Assert.Equal((AppModel.ClusterId, AppModel.ServiceId), (options.ClusterId, options.ServiceId));
        Assert.Empty(options.Gateways);
    }

    private const string RedisConnectionString = "127.0.0.1:16379,password=from-the-apphost";
    private const string PostgresConnectionString = "Host=127.0.0.1;Port=15432;Username=postgres;Password=from-the-apphost;Database=llmcache";
    private const int SiloPort = 21111;
    private const int GatewayPort = 31111;
    private const int HttpPort = 18080;

    /// <summary>
    /// Gives the references the values they would have when the AppHost runs (what the containers and the ports
    /// allocated for a replica would be), and leaves out the variables the cache does not read.
    /// </summary>
    private static Dictionary<string, string> Resolve(Dictionary<string, string> environment) =>
        environment.Select(e => (e.Key, Value: Resolve(e.Value)))
            .Where(e => !e.Value.Contains('{', StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);

    private static string Resolve(string value) =>
        new Dictionary<string, string>
        {
            ["{redis.connectionString}"] = RedisConnectionString,
            ["{cachedb.connectionString}"] = PostgresConnectionString,
            ["{silo.bindings.orleans-silo.targetPort}"] = $"{SiloPort}",
            ["{silo.bindings.orleans-gateway.targetPort}"] = $"{GatewayPort}",
            ["{silo.bindings.http.targetPort}"] = $"{HttpPort}",
        }.Aggregate(value, (current, reference) => current.Replace(reference.Key, reference.Value, StringComparison.Ordinal));

    private static string[] WaitsFor(IResource resource) =>
        [.. resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Order(StringComparer.Ordinal)];
}
