using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using Orleans.Serialization.TypeSystem;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Storage;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cluster;

/// <summary>
/// A silo on TCP whose PostgreSQL table is dropped under it, and an app server that, like a real one, cannot load the
/// database driver's types: what fails reaches it as the database's cause, and a read that could not be answered is
/// an error, never a miss.
/// </summary>
[Collection(BackendsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class StorageFailureTests(BackendsFixture backends)
{
    private static readonly CachedResponse Answer = new("stored before the table went", "gpt-4", 10, 10);

    [Fact]
    public async Task ATableDroppedUnderTheSilo_ReachesAClientWithoutTheDriver_AsTheDatabasesCause_AndReadsFailAsErrors()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var silo = await TcpSilo.StartAsync("storage-" + Guid.NewGuid().ToString("N")[..8], postgres: o => o.ConnectionString = connectionString);
        await using var client = await ConnectWithoutTheDriverAsync(silo);
        using var logs = new FakeLoggerProvider();
        silo.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        var cache = client.Cache;
        var held = cache.CreateKey("held-in-silo-memory");
        await cache.SetAsync(held, Answer);

        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var drop = dataSource.CreateCommand("DROP TABLE llmcache_grain_state CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        // A write to an entry the silo holds: the grain call fails writing its state.
        var write = await Assert.ThrowsAsync<LlmCacheUnavailableException>(async () => await cache.SetAsync(held, Answer with { Content = "new" }));
        AssertTheDatabasesCause(write);

        // The silo says so in one line, without a stack trace; the storage provider's own errors (two per failure,
        // each with its trace) say nothing more.
        var logged = logs.Collector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        var line = Assert.Single(logged, r => r.Message.Contains("held-in-silo-memory", StringComparison.Ordinal));
        Assert.Null(line.Exception);
        Assert.Contains("42P01", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logged, r => r.Category?.StartsWith("Orleans.Storage", StringComparison.Ordinal) == true);

        // A write to an entry the silo does not hold: its activation fails reading its state, outside any grain call.
        var activation = await Assert.ThrowsAsync<LlmCacheUnavailableException>(async () => await cache.SetAsync(cache.CreateKey("not-held"), Answer));
        AssertTheDatabasesCause(activation);

        // A batched read that could not be answered fails its caller; it is not answered as a miss.
        var batcher = client.Services.GetRequiredService<ClusterReadBatcher>();
        var read = batcher.Read(cache.CreateKey("unreadable-batched").ToGrainKey());
        var failed = await Assert.ThrowsAsync<LlmCacheStorageException>(() => read.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, failed.SqlState);

        // Through the cache: a read fails open as an error, get-or-create goes to the origin as an error, neither a miss.
        var statistics = cache.Statistics;
        var (errors, misses) = (statistics.Errors, statistics.Misses);
        Assert.Null(await cache.GetAsync(cache.CreateKey("unreadable-get")));
        Assert.Equal(errors + 1, statistics.Errors);

        var result = await cache.GetOrCreateAsync(cache.CreateKey("unreadable-get-or-create"), _ => ValueTask.FromResult(Answer));
        Assert.Equal(LlmCacheSource.OriginCacheUnavailable, result.Source);
        Assert.Equal(Answer, result.Response);
        Assert.Equal(errors + 2, statistics.Errors);
        Assert.Equal(misses, statistics.Misses);

        // What the silo still holds in memory is still served.
        Assert.Equal(Answer.Content, (await cache.GetAsync(held))?.Response.Content);
    }

    private static void AssertTheDatabasesCause(LlmCacheUnavailableException error)
    {
        var cause = Assert.IsType<LlmCacheStorageException>(error.InnerException);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, cause.SqlState);
        Assert.Contains("llmcache_grain_state", cause.Message, StringComparison.Ordinal);
        Assert.Contains("llmcache_grain_state", error.Message, StringComparison.Ordinal);
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            Assert.False(e.GetType().Namespace?.StartsWith("Npgsql", StringComparison.Ordinal), $"the driver's {e.GetType()} reached the client");
            Assert.IsNotType<TypeLoadException>(e);
        }
    }

    // An app server references the client package, which has no database driver. This test process has one, so the
    // client's serializer is kept from resolving the driver's types, as it could not in an app server.
    private static Task<ClientHost> ConnectWithoutTheDriverAsync(TcpSilo silo) =>
        ClientHost.ConnectToGatewayAsync(
            silo.GatewayPort,
            silo.ClusterId,
            configure: o => o.L1Enabled = false,
            services: s => s.AddSingleton<TypeResolver>(new WithoutTheDriver(new CachedTypeResolver())));

    private sealed class WithoutTheDriver(TypeResolver inner) : TypeResolver
    {
        public override Type ResolveType(string name) =>
            TryResolveType(name, out var type) ? type : throw new TypeLoadException($"Unable to load {name}: the app server has no database driver.");

        public override bool TryResolveType(string name, out Type type)
        {
            if (name.Contains("Npgsql", StringComparison.Ordinal))
            {
                type = null!;
                return false;
            }

            return inner.TryResolveType(name, out type);
        }
    }
}
