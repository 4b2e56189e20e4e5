using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Locking.Distributed.Redis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// FusionCache 2.9 as its documentation recommends for several nodes: memory L1, Redis L2, Redis backplane, and the
/// Redis distributed locker so that stampede protection spans processes; tagging on (the benchmark invalidates by tag).
/// With fail-safe in the setup, its three options on the default entry options, as its fail-safe documentation shows
/// them: enabled, a maximum duration and a throttle (it must be on when an entry is saved, not only when it is read).
/// </summary>
internal sealed class FusionCacheNode(FusionCache cache) : ICacheNode
{
    public static ICacheNode Create(string redis, CacheEntrySetup setup)
    {
        var entries = new FusionCacheEntryOptions { Duration = setup.TimeToLive };
        if (setup.FailSafe)
        {
            entries.IsFailSafeEnabled = true;
            entries.FailSafeMaxDuration = setup.FailSafeMaxDuration;
            entries.FailSafeThrottleDuration = setup.FailSafeThrottleDuration;
        }

        var cache = new FusionCache(new FusionCacheOptions { DefaultEntryOptions = entries });
        cache.SetupSerializer(new FusionCacheSystemTextJsonSerializer());
        cache.SetupDistributedCache(new RedisCache(new RedisCacheOptions { Configuration = redis }));
        cache.SetupBackplane(new RedisBackplane(new RedisBackplaneOptions { Configuration = redis }));
        cache.SetupDistributedLocker(new RedisDistributedLocker(Options.Create(new RedisDistributedLockerOptions { Configuration = redis }), NullLogger<RedisDistributedLocker>.Instance));
        return new FusionCacheNode(cache);
    }

    public async ValueTask<string?> GetAsync(string key)
    {
        var value = await cache.TryGetAsync<string>(key);
        return value.HasValue ? value.Value : null;
    }

    public async ValueTask<string> GetOrCreateAsync(string key, string tag, Func<CancellationToken, Task<string>> factory) =>
        await cache.GetOrSetAsync<string>(key, async (_, ct) => await factory(ct), tags: [tag]);

    public async Task InvalidateTagAsync(string tag) => await cache.RemoveByTagAsync(tag);

    public ValueTask DisposeAsync()
    {
        cache.Dispose();
        return ValueTask.CompletedTask;
    }
}
