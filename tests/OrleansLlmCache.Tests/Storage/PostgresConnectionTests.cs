using Npgsql;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Storage.PostgreSql.Options;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Storage;

/// <summary>How many PostgreSQL connections a silo takes, and what a write stuck behind a lock tells its caller.</summary>
[Collection(BackendsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PostgresConnectionTests(BackendsFixture backends)
{
    private static readonly CachedResponse Answer = new("Orleans is a virtual actor framework.", "gpt-4", 25, 9);

    [Fact]
    public async Task Invalidations_Succeed_WhileIdleAndUnderWrites_OnAServerSizedByTheRule()
    {
        // The sizing rule with one silo: max_connections = silos x pool, plus the test's own connection (and one spare).
        await using var postgres = await LocalPostgres.StartAsync(maxConnections: PostgresStorageOptions.DefaultMaxPoolSize + 2);
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await TcpSilo.StartAsync("pool-" + Guid.NewGuid().ToString("N")[..8], postgres: o => o.ConnectionString = connectionString);
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId, TimeSpan.FromSeconds(20));
        var cache = client.Cache;

        // Idle: nothing else runs while the invalidation drains its 128 shards.
        await WriteTaggedAsync(cache, "idle", 40);
        var idle = await cache.InvalidateTagAsync("idle");
        Assert.Equal(40, idle.EntriesReached);

        // Under writes: a steady stream of tagged writes while two tags are invalidated.
        await WriteTaggedAsync(cache, "busy-a", 30);
        await WriteTaggedAsync(cache, "busy-b", 30);
        using var stop = new CancellationTokenSource();
        var written = 0;
        var writes = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                await Task.WhenAll(Enumerable.Range(0, 8).Select(j =>
                    cache.SetAsync(cache.CreateKey($"stream-{i}-{j}"), Answer, new LlmCacheEntryOptions { Tags = ["stream"] }).AsTask()));
                i++;
                Interlocked.Add(ref written, 8);
            }
        });
        await Eventually.WaitUntilAsync(() => Volatile.Read(ref written) >= 16 || writes.IsCompleted, TimeSpan.FromSeconds(60), () => "the write stream did not start");

        var results = await Task.WhenAll(cache.InvalidateTagAsync("busy-a").AsTask(), cache.InvalidateTagAsync("busy-b").AsTask());
        await stop.CancelAsync();
        await writes; // every write of the stream succeeded, or this throws

        Assert.All(results, r => Assert.Equal(30, r.EntriesReached));
        Assert.True((await cache.InvalidateTagAsync("stream")).EntriesReached >= 16);
    }

    [Fact]
    public void BoundedConnectionString_CapsThePool_UnlessTheOperatorNamedASize()
    {
        var plain = PostgresLlmCacheStorageExtensions.BoundedConnectionString("Host=db;Database=llmcache");
        var named = PostgresLlmCacheStorageExtensions.BoundedConnectionString("Host=db;Database=llmcache;Maximum Pool Size=100");

        Assert.Equal(PostgresStorageOptions.DefaultMaxPoolSize, new NpgsqlConnectionStringBuilder(plain).MaxPoolSize);
        Assert.Equal(100, new NpgsqlConnectionStringBuilder(named).MaxPoolSize);
    }

    [Fact]
    public async Task AWriteThatTimesOutBehindALock_SaysItMayStillBeApplied_AndItIs()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var silo = await TcpSilo.StartAsync("locked-" + Guid.NewGuid().ToString("N")[..8], postgres: o => o.ConnectionString = connectionString);
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId, TimeSpan.FromSeconds(2), o => o.L1Enabled = false);
        var key = client.Cache.CreateKey("behind-a-lock");

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var locker = await dataSource.OpenConnectionAsync())
        {
            await using var transaction = await locker.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE llmcache_grain_state IN ACCESS EXCLUSIVE MODE", locker, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            var error = await Assert.ThrowsAsync<LlmCacheUnavailableException>(async () => await client.Cache.SetAsync(key, Answer));
            Assert.Contains("may still be applied", error.Message, StringComparison.Ordinal);
            await transaction.RollbackAsync();
        }

        // The message was right: the write went through once the lock was gone.
        CacheEntry? stored = null;
        await Eventually.WaitUntilAsync(
            async () => (stored = await client.Cache.GetAsync(key)) is not null,
            TimeSpan.FromSeconds(60),
            () => "the write that timed out was never applied");

        Assert.Equal(Answer, stored!.Response);
    }

    private static Task WriteTaggedAsync(ILlmCache cache, string tag, int count) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            cache.SetAsync(cache.CreateKey($"{tag}-{i}"), Answer, new LlmCacheEntryOptions { Tags = [tag] }).AsTask()));
}
