using Npgsql;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>An invalidation that fails part-way in a real PostgreSQL says what it did, and running it again finishes it.</summary>
[Collection(BackendsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PartialInvalidationTests(BackendsFixture backends)
{
    private const int Entries = 40;

    [Fact]
    public async Task AnInvalidationThatFailsPartWay_ReportsPartialSuccess_AndRepeatingItReachesWhatWasLeft()
    {
        // Statements that wait on a lock give up after 2 s, so a locked shard fails fast instead of holding the call.
        var connectionString = new NpgsqlConnectionStringBuilder(await backends.Postgres.CreateDatabaseAsync()) { CommandTimeout = 2 }.ConnectionString;
        var clusterId = "partial-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId, postgres: o => o.ConnectionString = connectionString);
        string[] cluster = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId];
        await using (var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, clusterId))
        {
            await Task.WhenAll(Enumerable.Range(0, Entries).Select(i => client.Cache.SetAsync(
                client.Cache.CreateKey($"doc-{i}"), new CachedResponse($"answer {i}", "gpt-4"), new LlmCacheEntryOptions { Tags = ["catalog"] }).AsTask()));
        }

        // Another PostgreSQL connection holds the rows of two of the tag's membership shards: their drains time out.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        long heldMembers;
        await using (var locker = await dataSource.OpenConnectionAsync())
        {
            await using var transaction = await locker.BeginTransactionAsync();
            await using (var hold = new NpgsqlCommand(
                """
                SELECT (SELECT count(*) FROM jsonb_object_keys(payload -> 'members')) FROM llmcache_grain_state
                WHERE grain_type = 'llm-members' AND grain_key LIKE '%/tag:catalog#%' ORDER BY grain_key LIMIT 2 FOR UPDATE
                """, locker, transaction))
            {
                await using var reader = await hold.ExecuteReaderAsync();
                var counts = new List<long>();
                while (await reader.ReadAsync())
                {
                    counts.Add(reader.GetInt64(0));
                }

                Assert.Equal(2, counts.Count);
                heldMembers = counts.Sum();
            }

            var first = await CliRunner.RunAsync(["invalidate", .. cluster, "--tag", "catalog"]);
            Assert.True(first.ExitCode == ExitCodes.Failed, first.Output);
            Assert.Contains($"partly invalidated tag catalog: reached {Entries - heldMembers} entries", first.Output, StringComparison.Ordinal);
            Assert.Contains("2 of 128 membership shards", first.Output, StringComparison.Ordinal);
            Assert.Contains("Run the same command again", first.Output, StringComparison.Ordinal);
            await transaction.RollbackAsync();
        }

        // Every entry missed from the first run on: the version was bumped and broadcast.
        var get = await CliRunner.RunAsync(["get", .. cluster, "--key", "doc-0"]);
        Assert.True(get.ExitCode == ExitCodes.NotFound, get.Output);

        var second = await CliRunner.RunAsync(["invalidate", .. cluster, "--tag", "catalog"]);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains($"invalidated tag catalog: reached {heldMembers} entries", second.Output, StringComparison.Ordinal);

        // And every row goes, the ones the first run could not reach included.
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM llm_cache");
        long rows = -1;
        await Eventually.WaitUntilAsync(
            () => (rows = (long)count.ExecuteScalar()!) == 0,
            TimeSpan.FromSeconds(60),
            () => $"{rows} of {Entries} invalidated rows still in llm_cache");
    }
}
