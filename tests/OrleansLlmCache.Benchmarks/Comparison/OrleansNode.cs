using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// OrleansLlmCache in one app server: a client host that finds the silos through Redis membership, L1 on or off; with
/// fail-safe in the setup, the app server's <see cref="LlmCacheOptions.FailSafeMaxDuration"/> and throttle.
/// </summary>
internal sealed class OrleansNode(ClientHost host, CacheEntrySetup setup) : ICacheNode
{
    private readonly ILlmCache _cache = host.Cache;

    public static async Task<ICacheNode> CreateAsync(string redis, string clusterId, bool l1, CacheEntrySetup setup) =>
        new OrleansNode(
            await ClientHost.ConnectThroughRedisAsync(redis, clusterId, configure: o =>
            {
                o.L1Enabled = l1;
                o.L1SizeLimitBytes = 256L << 20; // the 10,000-entry tag and the 16 KiB hit set both fit
                o.FailSafeMaxDuration = setup.FailSafeMaxDuration;
                o.FailSafeThrottleDuration = setup.FailSafeThrottleDuration;
            }),
            setup);

    public async ValueTask<string?> GetAsync(string key) => (await _cache.GetAsync(Key(key)))?.Response.Content;

    public async ValueTask<string> GetOrCreateAsync(string key, string tag, Func<CancellationToken, Task<string>> factory) =>
        (await _cache.GetOrCreateAsync(
            Key(key),
            async ct => new CachedResponse(await factory(ct), "gpt-4"),
            new LlmCacheEntryOptions { Tags = [tag], TimeToLive = setup.TimeToLive })).Response.Content;

    public async Task InvalidateTagAsync(string tag) => await _cache.InvalidateTagAsync(tag);

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private CacheKey Key(string key) => _cache.CreateKey(key);
}
