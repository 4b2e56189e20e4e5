using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Storage.PostgreSql.Options;
using OrleansLlmCache.Storage.PostgreSql.Storage;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Storage;

/// <summary>Grain persistence in a real PostgreSQL: schema, SQL-readable entries, expiry sweep, outages, restarts.</summary>
[Collection(BackendsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PostgresStorageTests(BackendsFixture backends)
{
    private static readonly CachedResponse Answer = new("Orleans is a virtual actor framework.", "gpt-4", 25, 9);

    [Fact]
    public async Task Schema_IsCreatedOnce_WhenManySilosMigrateAtTheSameMoment()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var before = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostgresSchemaMigrator.MigrateAsync(dataSource, CancellationToken.None)));

        Assert.Single(before, version => version == 0); // exactly one silo applied version 1
        Assert.Equal(PostgresSchemaMigrator.LatestVersion, await ScalarAsync<int>(dataSource, "SELECT version FROM llmcache_schema_version"));
        Assert.Equal(4L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM OrleansQuery WHERE QueryKey LIKE '%StorageKey'"));
        Assert.Equal(0, await PostgresSchemaMigrator.MigrateAsync(dataSource, CancellationToken.None) - PostgresSchemaMigrator.LatestVersion);
    }

    [Fact]
    public async Task Schema_FromANewerVersion_IsRefusedWithAClearMessage()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchemaMigrator.MigrateAsync(dataSource, CancellationToken.None);
        await ExecuteAsync(dataSource, "UPDATE llmcache_schema_version SET version = 99");

        var error = await Assert.ThrowsAsync<NewerSchemaException>(() => PostgresSchemaMigrator.MigrateAsync(dataSource, CancellationToken.None));
        Assert.Contains("version 99, newer than this silo understands", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentFirstWrites_OfOneGrain_LeaveOneRow_AndTheLoserGetsAVersionConflict()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchemaMigrator.MigrateAsync(dataSource, CancellationToken.None);
        var write = await ScalarAsync<string>(dataSource, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey'");

        // Two activations of the same grain (a split brain) both write with no version read: the provider's own query.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(write, connection);
            command.Parameters.AddWithValue("ServiceId", "svc");
            command.Parameters.AddWithValue("GrainTypeString", "llm-entry");
            command.Parameters.AddWithValue("GrainIdN0", 0L);
            command.Parameters.AddWithValue("GrainIdN1", 0L);
            command.Parameters.AddWithValue("GrainIdExtensionString", "acme/content/abc");
            command.Parameters.AddWithValue("GrainIdHash", 1);
            command.Parameters.AddWithValue("GrainTypeHash", 2);
            command.Parameters.Add(new NpgsqlParameter("GrainStateVersion", NpgsqlTypes.NpgsqlDbType.Integer) { Value = DBNull.Value });
            command.Parameters.AddWithValue("PayloadBinary", System.Text.Encoding.UTF8.GetBytes($$"""{"response":{"content":"answer {{i}}","model":"gpt-4"},"createdAt":"2026-01-01T00:00:00+00:00"}"""));
            try
            {
                return await command.ExecuteScalarAsync() as int?;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return null; // also a lost race: nothing written
            }
        }));

        Assert.Single(results, r => r == 1);
        Assert.Equal(1L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llmcache_grain_state"));
    }

    [Fact]
    public async Task Entries_AreReadableWithPlainSql()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var silo = await StartSiloAsync(connectionString);
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
        var key = client.Cache.CreateKey(new PromptRequest("What is Orleans?", "gpt-4", 0.7, 100), "acme", "content");
        await client.Cache.SetAsync(key, Answer, LlmCacheEntryOptions.Expiring(TimeSpan.FromHours(1)));

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var query = new NpgsqlCommand(
            "SELECT key, tenant, namespace, model, response, metadata ->> 'promptTokens', metadata ->> 'completionTokens', created_at, expires_at FROM llm_cache WHERE key = @key",
            connection);
        query.Parameters.AddWithValue("key", key.Id);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the entry is a row of llm_cache");
        Assert.Equal(key.Id, reader.GetString(0));
        Assert.Equal("acme", reader.GetString(1));
        Assert.Equal("content", reader.GetString(2));
        Assert.Equal("gpt-4", reader.GetString(3));
        Assert.Equal(Answer.Content, reader.GetString(4));
        Assert.Equal("25", reader.GetString(5));
        Assert.Equal("9", reader.GetString(6));
        Assert.Equal(TimeSpan.FromHours(1), reader.GetFieldValue<DateTimeOffset>(8) - reader.GetFieldValue<DateTimeOffset>(7));
    }

    [Fact]
    public async Task Entries_SurviveASiloRestart_AndRemovedEntriesLeaveNoRow()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        var silo = await StartSiloAsync(connectionString);
        var (siloPort, gatewayPort, clusterId) = (silo.SiloPort, silo.GatewayPort, silo.ClusterId);
        var client = await ClientHost.ConnectToGatewayAsync(gatewayPort, clusterId);
        var kept = client.Cache.CreateKey("kept");
        var removed = client.Cache.CreateKey("removed");
        await client.Cache.SetAsync(kept, Answer);
        await client.Cache.SetAsync(removed, Answer);
        Assert.True(await client.Cache.RemoveAsync(removed));
        await client.DisposeAsync();
        await silo.DisposeAsync();

        await using var restarted = await StartSiloAsync(connectionString, siloPort, gatewayPort, clusterId);
        await using var again = await ClientHost.ConnectToGatewayAsync(gatewayPort, clusterId, configure: o => o.L1Enabled = false);

        // The first hit after the restart is read from PostgreSQL, the next from silo memory: statistics tell them apart.
        await again.Cache.GetOrCreateAsync(kept, _ => throw new InvalidOperationException("hit expected"));
        await again.Cache.GetOrCreateAsync(kept, _ => throw new InvalidOperationException("hit expected"));
        var report = again.Services.GetRequiredService<OrleansLlmCache.Client.Diagnostics.ClusterStatisticsCollector>().Drain()!;
        Assert.Equal(1, report.Rows.Where(r => r.Outcome == "storage").Sum(r => r.Count));
        Assert.Equal(1, report.Rows.Where(r => r.Outcome == "silo").Sum(r => r.Count));
        Assert.Equal(Answer, (await again.Cache.GetAsync(kept))?.Response);
        Assert.Null(await again.Cache.GetAsync(removed));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(1L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llmcache_grain_state WHERE grain_type = 'llm-entry'"));
    }

    [Fact]
    public async Task TagMembership_SurvivesARestart_AndInvalidationRemovesTheRows()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        var silo = await StartSiloAsync(connectionString);
        var (siloPort, gatewayPort, clusterId) = (silo.SiloPort, silo.GatewayPort, silo.ClusterId);
        var client = await ClientHost.ConnectToGatewayAsync(gatewayPort, clusterId);
        for (var i = 0; i < 30; i++)
        {
            await client.Cache.SetAsync(client.Cache.CreateKey($"tagged-{i}"), Answer, new LlmCacheEntryOptions { Tags = ["catalog-2026"] });
        }

        await client.Cache.SetAsync(client.Cache.CreateKey("untagged"), Answer);
        await client.DisposeAsync();
        await silo.DisposeAsync();

        await using var restarted = await StartSiloAsync(connectionString, siloPort, gatewayPort, clusterId);
        await using var again = await ClientHost.ConnectToGatewayAsync(gatewayPort, clusterId);
        var result = await again.Cache.InvalidateTagAsync("catalog-2026");
        Assert.Equal(30, result.EntriesReached);
        Assert.Null(await again.Cache.GetAsync(again.Cache.CreateKey("tagged-0")));

        // The rows go in the background, shortly after the call returned.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        long rows = 0;
        await Eventually.WaitUntilAsync(
            async () => (rows = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llm_cache")) <= 1,
            TimeSpan.FromSeconds(30),
            () => $"{rows - 1} invalidated rows still in llm_cache after 30 s");

        Assert.Equal(1L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llm_cache WHERE key = 'untagged'"));
    }

    [Fact]
    public async Task ExpiredEntries_AreDeletedByTheSweep()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var silo = await StartSiloAsync(connectionString, configure: o => o.ExpirySweepInterval = TimeSpan.FromSeconds(1));
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
        for (var i = 0; i < 20; i++)
        {
            await client.Cache.SetAsync(client.Cache.CreateKey($"short-{i}"), Answer, LlmCacheEntryOptions.Expiring(TimeSpan.FromSeconds(1)));
        }

        for (var i = 0; i < 5; i++)
        {
            await client.Cache.SetAsync(client.Cache.CreateKey($"long-{i}"), Answer, LlmCacheEntryOptions.NeverExpire);
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(25L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llm_cache"));

        // Expiry is 1 s and the sweep runs every second: the 20 short-lived rows go within a few seconds.
        long remaining = 0;
        await Eventually.WaitUntilAsync(
            async () => (remaining = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llm_cache")) <= 5,
            TimeSpan.FromSeconds(30),
            () => $"expected the sweep to leave the 5 entries without expiry; {remaining} rows remain after 30 s");

        Assert.Equal(5L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llm_cache WHERE expires_at IS NULL"));
        Assert.Null(await client.Cache.GetAsync(client.Cache.CreateKey("short-0")));
        Assert.NotNull(await client.Cache.GetAsync(client.Cache.CreateKey("long-0")));
    }

    [Fact]
    public async Task EntriesKeptForFailSafe_OutliveTheirExpiryInTheTable_UntilTheirFailSafeEnds()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var silo = await StartSiloAsync(connectionString, configure: o => o.ExpirySweepInterval = TimeSpan.FromSeconds(1));
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
        var kept = new LlmCacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(1), FailSafeMaxDuration = TimeSpan.FromHours(1) };
        for (var i = 0; i < 5; i++)
        {
            await client.Cache.SetAsync(client.Cache.CreateKey($"kept-{i}"), Answer, kept);
            await client.Cache.SetAsync(client.Cache.CreateKey($"short-{i}"), Answer, LlmCacheEntryOptions.Expiring(TimeSpan.FromSeconds(1)));
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        long remaining = 0;
        await Eventually.WaitUntilAsync(
            async () => (remaining = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llm_cache")) <= 5,
            TimeSpan.FromSeconds(30),
            () => $"expected the sweep to leave the 5 entries kept for fail-safe; {remaining} rows remain after 30 s");

        // Expired, kept, and said so by the view.
        Assert.Equal(5L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llm_cache WHERE key LIKE 'kept-%' AND state = 'fail-safe' AND stale_until > expires_at"));
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few more sweeps: the kept rows stay
        Assert.Equal(5L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llm_cache"));

        // Served stale when the origin fails, as long as they are kept; never as a hit.
        Assert.Null(await client.Cache.GetAsync(client.Cache.CreateKey("kept-0")));
        var stale = await client.Cache.GetOrCreateAsync(
            client.Cache.CreateKey("kept-0"), _ => throw new HttpRequestException("origin down"), kept);
        Assert.Equal(LlmCacheSource.Stale, stale.Source);

        // Once the fail-safe time is over, the sweep removes them like any expired row.
        await ExecuteAsync(dataSource, "UPDATE llmcache_grain_state SET stale_until = now() - interval '1 second' WHERE stale_until IS NOT NULL");
        await Eventually.WaitUntilAsync(
            async () => await ScalarAsync<long>(dataSource, "SELECT count(*) FROM llm_cache") == 0,
            TimeSpan.FromSeconds(30),
            () => "expected the sweep to remove the rows once their fail-safe time had passed");
    }

    [Fact]
    public async Task DatabaseOutage_WritesFailLoudly_HitsInMemoryKeepServing_AndTheCacheRecoversByItself()
    {
        // A server of its own: this test stops it.
        await using var postgres = await LocalPostgres.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var silo = await StartSiloAsync(connectionString);
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
        var warm = client.Cache.CreateKey("warm");
        await client.Cache.SetAsync(warm, Answer);
        Assert.NotNull(await client.Cache.GetAsync(warm)); // active in silo memory

        await postgres.StopServerAsync();

        Assert.Equal(Answer, (await client.Cache.GetAsync(warm))?.Response);
        var error = await Assert.ThrowsAsync<LlmCacheUnavailableException>(async () => await client.Cache.SetAsync(client.Cache.CreateKey("during-outage"), Answer));
        Assert.DoesNotContain("Codec", error.ToString(), StringComparison.Ordinal);
        // A refused connection, or (the silo's pool held it open) a pooled connection the server's stop cut.
        Assert.Matches("LlmCacheStorageException: (Failed to connect to 127.0.0.1|.*terminating connection)", error.Message);
        Assert.IsType<OrleansLlmCache.Abstractions.Storage.LlmCacheStorageException>(error.InnerException);

        // Get-or-create still answers (from the origin) while the database is down.
        var during = await client.Cache.GetOrCreateAsync(client.Cache.CreateKey("get-or-create-outage"), _ => ValueTask.FromResult(Answer));
        Assert.Equal(Answer, during.Response);

        await postgres.StartServerAsync();
        var recovered = client.Cache.CreateKey("after-outage");
        LlmCacheUnavailableException? lastError = null;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                try
                {
                    await client.Cache.SetAsync(recovered, Answer);
                    return true;
                }
                catch (LlmCacheUnavailableException ex)
                {
                    lastError = ex;
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            () => $"writes did not succeed within 60 s of PostgreSQL coming back: {lastError?.Message}");

        Assert.Equal(Answer, (await client.Cache.GetAsync(recovered))?.Response);
        Assert.Equal(Answer, (await client.Cache.GetAsync(warm))?.Response);
    }

    private static Task<TcpSilo> StartSiloAsync(string connectionString, int? siloPort = null, int? gatewayPort = null, string? clusterId = null, Action<PostgresStorageOptions>? configure = null) =>
        TcpSilo.StartAsync(clusterId ?? "pg-" + Guid.NewGuid().ToString("N")[..8], siloPort, gatewayPort, postgres: o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
