using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using StackExchange.Redis;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The article's design in one app server: process memory in front of Redis in front of the PostgreSQL table
/// <c>llm_cache</c>. A read tries memory, then Redis, then the table, and fills the faster layers on the way back; a
/// write goes to all three. The article's design has no tags: the benchmark adds a <c>tags</c> column and deletes by tag from the
/// table and Redis, while other processes' memory keeps what it had until it expires (no backplane, as in the article).
/// No stampede protection, as in the article.
/// </summary>
internal sealed class ArticleDesignNode : ICacheNode
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);
    private readonly MemoryCache _memory = new(new MemoryCacheOptions());
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly NpgsqlDataSource _postgres;

    private ArticleDesignNode(ConnectionMultiplexer redis, NpgsqlDataSource postgres)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        _postgres = postgres;
    }

    public static async Task<ICacheNode> CreateAsync(string redis, string postgres) =>
        new ArticleDesignNode(
            await ConnectionMultiplexer.ConnectAsync(redis),
            // Npgsql's default pool (100) in each of two app servers exhausts PostgreSQL's connections under a stampede;
            // a bounded pool queues instead, as a production app server's would be configured.
            NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres) { MaxPoolSize = 50 }.ConnectionString));

    /// <summary>The article's table, plus the tags column the benchmark needs; run once before any node starts.</summary>
    public static async Task CreateSchemaAsync(string postgres)
    {
        await using var source = NpgsqlDataSource.Create(postgres);
        await using var command = source.CreateCommand(
            """
            CREATE TABLE IF NOT EXISTS llm_cache (
                key        text PRIMARY KEY,
                response   text NOT NULL,
                model      text NOT NULL,
                metadata   jsonb NOT NULL DEFAULT '{}',
                tags       text[] NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz
            );
            CREATE INDEX IF NOT EXISTS llm_cache_tags ON llm_cache USING gin (tags);
            """);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask<string?> GetAsync(string key)
    {
        if (_memory.TryGetValue(key, out string? local))
        {
            return local;
        }

        var value = await _db.StringGetAsync("article:" + key);
        if (!value.IsNull)
        {
            _memory.Set(key, (string)value!, Ttl);
            return value;
        }

        await using var command = _postgres.CreateCommand("SELECT response FROM llm_cache WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())");
        command.Parameters.AddWithValue(key);
        if (await command.ExecuteScalarAsync() is not string stored)
        {
            return null;
        }

        await _db.StringSetAsync("article:" + key, stored, Ttl);
        _memory.Set(key, stored, Ttl);
        return stored;
    }

    public async ValueTask<string> GetOrCreateAsync(string key, string tag, Func<CancellationToken, Task<string>> factory)
    {
        if (await GetAsync(key) is { } hit)
        {
            return hit;
        }

        var value = await factory(CancellationToken.None);
        await using (var command = _postgres.CreateCommand(
            """
            INSERT INTO llm_cache (key, response, model, tags, expires_at) VALUES ($1, $2, 'gpt-4', $3, now() + interval '1 hour')
            ON CONFLICT (key) DO UPDATE SET response = excluded.response, tags = excluded.tags, expires_at = excluded.expires_at
            """))
        {
            command.Parameters.AddWithValue(key);
            command.Parameters.AddWithValue(value);
            command.Parameters.AddWithValue(new[] { tag });
            await command.ExecuteNonQueryAsync();
        }

        await _db.StringSetAsync("article:" + key, value, Ttl);
        _memory.Set(key, value, Ttl);
        return value;
    }

    public async Task InvalidateTagAsync(string tag)
    {
        var keys = new List<string>();
        await using (var command = _postgres.CreateCommand("DELETE FROM llm_cache WHERE tags @> ARRAY[$1] RETURNING key"))
        {
            command.Parameters.AddWithValue(tag);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        foreach (var batch in keys.Chunk(500))
        {
            await _db.KeyDeleteAsync([.. batch.Select(k => (RedisKey)("article:" + k))]);
            foreach (var key in batch)
            {
                _memory.Remove(key);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _memory.Dispose();
        await _postgres.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
