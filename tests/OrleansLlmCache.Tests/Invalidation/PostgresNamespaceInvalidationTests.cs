using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Grains.Hosting;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>
/// On PostgreSQL, entries keep no membership of their namespace: a namespace invalidation removes their rows through the
/// table's (tenant, namespace) index, counts the live ones, and leaves other namespaces and tenants alone.
/// </summary>
[Collection(BackendsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PostgresNamespaceInvalidationTests(BackendsFixture backends)
{
    // A silo process registers each namespace of a tenant once, and the tests of one process share it: a tenant of
    // their own keeps each test's namespaces registered in its own database.
    private readonly string _tenant = "t" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _otherTenant = "o" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task EntryWrites_KeepNoNamespaceMembership_WhileTagsAndDependenciesKeepTheirs()
    {
        await using var cache = await PostgresCache.StartAsync(await backends.Postgres.CreateDatabaseAsync());
        for (var i = 0; i < 20; i++)
        {
            await cache.Client.SetAsync(new CacheKey(_tenant, "content:blog", $"post-{i}"), Answer($"post {i}"), new LlmCacheEntryOptions
            {
                Tags = i < 10 ? ["release"] : null,
                Dependencies = i < 5 ? ["catalog"] : null,
            });
        }

        Assert.Equal(0L, await cache.ScalarAsync<long>("SELECT count(*) FROM llmcache_grain_state WHERE grain_type = 'llm-members' AND starts_with(grain_key, @prefix)", ("prefix", $"{_tenant}/ns:")));
        Assert.Equal(10L, await cache.MembersAsync($"{_tenant}/tag:release"));
        Assert.Equal(5L, await cache.MembersAsync($"{_tenant}/dep:catalog"));
        Assert.Equal(20L, await cache.RowsAsync(_tenant, "content:blog"));
    }

    [Fact]
    public async Task InvalidatePattern_RemovesTheRowsOfMatchingNamespacesOnly_AndReachesTheirLiveEntries()
    {
        await using var cache = await PostgresCache.StartAsync(await backends.Postgres.CreateDatabaseAsync());
        var blog = Keys(_tenant, "content:blog", 3);
        var email = Keys(_tenant, "content:email", 2);
        var code = Keys(_tenant, "code", 2);
        var otherTenant = Keys(_otherTenant, "content:blog", 2);
        foreach (var key in blog.Concat(email).Concat(code).Concat(otherTenant))
        {
            await cache.Client.SetAsync(key, Answer(key.ToString()), new LlmCacheEntryOptions { Tags = ["release"] });
        }

        // An expired entry is removed with its namespace but not counted: it was not reachable any more.
        var expired = new CacheKey(_tenant, "content:blog", "expired");
        await cache.Client.SetAsync(expired, Answer("old"), LlmCacheEntryOptions.Expiring(TimeSpan.FromSeconds(1)));
        await Eventually.WaitUntilAsync(async () => await cache.Client.GetAsync(expired) is null, TimeSpan.FromSeconds(10), () => "the entry did not expire");

        var result = await cache.Client.InvalidatePatternAsync("content:*", _tenant);

        Assert.True(result.IsComplete, string.Join(" ", result.Failures));
        Assert.Equal(new[] { $"{_tenant}/ns:content:blog", $"{_tenant}/ns:content:email" }, result.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(5, result.EntriesReached);
        Assert.Equal(0L, await cache.RowsAsync(_tenant, "content:blog")); // gone before the call returned
        Assert.Equal(0L, await cache.RowsAsync(_tenant, "content:email"));
        Assert.Equal(2L, await cache.RowsAsync(_tenant, "code"));
        Assert.Equal(2L, await cache.RowsAsync(_otherTenant, "content:blog"));
        foreach (var key in blog.Concat(email))
        {
            Assert.Null(await cache.Client.GetAsync(key));
        }

        foreach (var key in code.Concat(otherTenant))
        {
            Assert.Equal(key.ToString(), (await cache.Client.GetAsync(key))?.Response.Content);
        }

        var exact = await cache.Client.InvalidatePatternAsync("code", _tenant);
        Assert.True(exact.IsComplete, string.Join(" ", exact.Failures));
        Assert.Equal(2, exact.EntriesReached);
        Assert.Equal(0L, await cache.RowsAsync(_tenant, "code"));
        Assert.Null(await cache.Client.GetAsync(code[0]));

        // The removed entries leave their tag too, in the background, as entries that remove themselves do.
        long members = -1;
        await Eventually.WaitUntilAsync(
            async () => (members = await cache.MembersAsync($"{_tenant}/tag:release")) == 0,
            TimeSpan.FromSeconds(30),
            () => $"{members} removed entries still members of their tag after 30 s");
        Assert.Equal(2L, await cache.MembersAsync($"{_otherTenant}/tag:release"));

        // A new answer for an invalidated key is stored and served again.
        await cache.Client.SetAsync(blog[0], Answer("rewritten"));
        Assert.Equal("rewritten", (await cache.Client.GetAsync(blog[0]))?.Response.Content);
        Assert.Equal(1L, await cache.RowsAsync(_tenant, "content:blog"));
    }

    [Fact]
    public async Task AnEntryWhoseRowTheNamespaceRemoved_Misses_CanBeRemoved_AndIsStoredAgainByItsNextWrite()
    {
        await using var cache = await PostgresCache.StartAsync(await backends.Postgres.CreateDatabaseAsync());
        var keys = Keys(_tenant, "support", 4);
        foreach (var key in keys)
        {
            await cache.Client.SetAsync(key, Answer("v1"));
            Assert.Equal("v1", (await cache.Client.GetAsync(key))?.Response.Content); // its activation stays in silo memory
        }

        Assert.Equal(4, (await cache.Client.InvalidatePatternAsync("support", _tenant)).EntriesReached);

        // The activations outlive their rows: they miss (outdated), a removal finds nothing to remove, and a write
        // inserts the row again.
        Assert.Null(await cache.Client.GetAsync(keys[0]));
        Assert.False(await cache.Client.RemoveAsync(keys[1]));
        await cache.Client.SetAsync(keys[2], Answer("v2"));
        Assert.Equal("v2", (await cache.Client.GetAsync(keys[2]))?.Response.Content);
        Assert.Equal(1L, await cache.RowsAsync(_tenant, "support"));
        Assert.True(await cache.Client.RemoveAsync(keys[2]));
        Assert.Equal(0L, await cache.RowsAsync(_tenant, "support"));
    }

    [Fact]
    public async Task ARemovalThatFails_IsReportedAsPartial_AndRepeatingTheInvalidationRemovesTheRows()
    {
        // Statements that wait on a lock give up after 2 s, so a locked row fails the removal fast.
        var connectionString = new NpgsqlConnectionStringBuilder(await backends.Postgres.CreateDatabaseAsync()) { CommandTimeout = 2 }.ConnectionString;
        await using var cache = await PostgresCache.StartAsync(connectionString);
        var keys = Keys(_tenant, "docs", 10);
        foreach (var key in keys)
        {
            await cache.Client.SetAsync(key, Answer("v1"));
        }

        await using (var locker = await cache.Database.OpenConnectionAsync())
        {
            await using var transaction = await locker.BeginTransactionAsync();
            await using (var hold = new NpgsqlCommand("SELECT 1 FROM llmcache_grain_state WHERE grain_type = 'llm-entry' AND grain_key = @key FOR UPDATE", locker, transaction))
            {
                hold.Parameters.AddWithValue("key", keys[3].ToGrainKey());
                Assert.Equal(1, (int)(await hold.ExecuteScalarAsync())!);
            }

            var first = await cache.Client.InvalidatePatternAsync("docs", _tenant);

            Assert.False(first.IsComplete);
            var failure = Assert.Single(first.Failures);
            Assert.Contains($"The entries of {_tenant}/ns:docs could not be removed from storage", failure, StringComparison.Ordinal);
            Assert.Contains("they miss already, and repeating the invalidation removes them", failure, StringComparison.Ordinal);
            Assert.Equal(0, first.EntriesReached);
            Assert.Null(await cache.Client.GetAsync(keys[0])); // the version moved all the same
            await transaction.RollbackAsync();
        }

        var second = await cache.Client.InvalidatePatternAsync("docs", _tenant);

        Assert.True(second.IsComplete, string.Join(" ", second.Failures));
        Assert.Equal(10, second.EntriesReached);
        Assert.Equal(0L, await cache.RowsAsync(_tenant, "docs"));
    }

    [Fact]
    public async Task TheNamespaceVersion_IsAnsweredWhileItsRowsAreStillBeingRemoved()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var cache = await PostgresCache.StartAsync(connectionString);
        var keys = Keys(_tenant, "slow", 4);
        foreach (var key in keys)
        {
            await cache.Client.SetAsync(key, Answer("v1"));
        }

        var version = cache.Grains.GetGrain<IDependencyGrain>(DependencyKey.Namespace(_tenant, "slow"));
        Task<InvalidationResult> invalidation;
        await using (var locker = await cache.Database.OpenConnectionAsync())
        {
            // A row held by another transaction: the namespace's removal waits for it.
            await using var transaction = await locker.BeginTransactionAsync();
            await using (var hold = new NpgsqlCommand("SELECT 1 FROM llmcache_grain_state WHERE grain_type = 'llm-entry' AND grain_key = @key FOR UPDATE", locker, transaction))
            {
                hold.Parameters.AddWithValue("key", keys[1].ToGrainKey());
                Assert.Equal(1, (int)(await hold.ExecuteScalarAsync())!);
            }

            invalidation = cache.Client.InvalidatePatternAsync("slow", _tenant).AsTask();

            // Readers that ask the dependency grain get the stored bump at once, not after the removal.
            await Eventually.WaitUntilAsync(
                async () => await version.GetVersionAsync().WaitAsync(TimeSpan.FromSeconds(5)) == 1,
                TimeSpan.FromSeconds(30),
                () => "the namespace's version was not answered while its rows were being removed");
            Assert.False(invalidation.IsCompleted, "the removal was expected to wait for the locked row");
            await transaction.RollbackAsync();
        }

        var result = await invalidation;
        Assert.True(result.IsComplete, string.Join(" ", result.Failures));
        Assert.Equal(4, result.EntriesReached);
        Assert.Equal(1, await version.GetVersionAsync());
    }

    private static CachedResponse Answer(string content) => new(content, "gpt-4");

    private static List<CacheKey> Keys(string tenant, string @namespace, int count) =>
        Enumerable.Range(0, count).Select(i => new CacheKey(tenant, @namespace, $"doc-{i}")).ToList();

    /// <summary>One silo on a PostgreSQL database of its own, an app server connected to it, and the database to look at.</summary>
    private sealed class PostgresCache : IAsyncDisposable
    {
        private readonly TcpSilo _silo;
        private readonly ClientHost _client;

        private PostgresCache(TcpSilo silo, ClientHost client, NpgsqlDataSource database)
        {
            _silo = silo;
            _client = client;
            Database = database;
        }

        public ILlmCache Client => _client.Cache;

        public IGrainFactory Grains => _client.Services.GetRequiredService<IGrainFactory>();

        public NpgsqlDataSource Database { get; }

        public static async Task<PostgresCache> StartAsync(string connectionString)
        {
            var silo = await TcpSilo.StartAsync("pgns-" + Guid.NewGuid().ToString("N")[..8], postgres: o => o.ConnectionString = connectionString);
            var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
            return new PostgresCache(silo, client, NpgsqlDataSource.Create(connectionString));
        }

        public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
        {
            await using var command = Database.CreateCommand(sql);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return (T)(await command.ExecuteScalarAsync())!;
        }

        /// <summary>Entry rows of one namespace.</summary>
        public Task<long> RowsAsync(string tenant, string @namespace) => ScalarAsync<long>(
            "SELECT count(*) FROM llmcache_grain_state WHERE grain_type = 'llm-entry' AND tenant = @tenant AND namespace = @namespace",
            ("tenant", tenant), ("namespace", @namespace));

        /// <summary>Members of one dependency key, over all its shards.</summary>
        public Task<long> MembersAsync(string dependencyKey) => ScalarAsync<long>(
            """
            SELECT COALESCE(sum((SELECT count(*) FROM jsonb_object_keys(payload -> 'members'))), 0)::bigint FROM llmcache_grain_state
            WHERE grain_type = 'llm-members' AND starts_with(grain_key, @prefix)
            """,
            ("prefix", dependencyKey + "#"));

        public async ValueTask DisposeAsync()
        {
            await Database.DisposeAsync();
            await _client.DisposeAsync();
            await _silo.DisposeAsync();
        }
    }
}
