using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The seed article's design: process memory in front of Redis (its PostgreSQL layer only answers Redis misses and is
/// left out here). Tags are Redis sets of keys; invalidation deletes the keys in Redis, and other processes' memory
/// keeps what it had until it expires (no backplane), as in the seed. No stampede protection, as in the seed.
/// </summary>
internal sealed class SeedDesignContender(string redis) : ICacheContender
{
    public string Name => "seed design (memory + Redis)";

    public async Task<ICacheNode> CreateNodeAsync() => new Node(await ConnectionMultiplexer.ConnectAsync(redis));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Node(ConnectionMultiplexer redis) : ICacheNode
    {
        private readonly MemoryCache _memory = new(new MemoryCacheOptions());
        private readonly IDatabase _db = redis.GetDatabase();

        public async Task<string?> GetAsync(string key)
        {
            if (_memory.TryGetValue(key, out string? local))
            {
                return local;
            }

            var value = await _db.StringGetAsync("seed:" + key);
            if (value.IsNull)
            {
                return null;
            }

            _memory.Set(key, (string)value!, TimeSpan.FromHours(1));
            return value;
        }

        public async Task<string> GetOrCreateAsync(string key, string tag, Func<CancellationToken, Task<string>> factory)
        {
            if (await GetAsync(key) is { } hit)
            {
                return hit;
            }

            var value = await factory(CancellationToken.None);
            await _db.StringSetAsync("seed:" + key, value, TimeSpan.FromHours(1));
            await _db.SetAddAsync("seed-tag:" + tag, key);
            _memory.Set(key, value, TimeSpan.FromHours(1));
            return value;
        }

        public async Task InvalidateTagAsync(string tag)
        {
            var members = await _db.SetMembersAsync("seed-tag:" + tag);
            foreach (var batch in members.Chunk(500))
            {
                await _db.KeyDeleteAsync([.. batch.Select(m => (RedisKey)("seed:" + m))]);
                foreach (var member in batch)
                {
                    _memory.Remove((string)member!);
                }
            }

            await _db.KeyDeleteAsync("seed-tag:" + tag);
        }

        public async ValueTask DisposeAsync()
        {
            _memory.Dispose();
            await redis.DisposeAsync();
        }
    }
}
