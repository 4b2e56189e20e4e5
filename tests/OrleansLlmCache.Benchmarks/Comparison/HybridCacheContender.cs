using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>HybridCache as documented: <c>AddStackExchangeRedisCache</c> for L2, <c>AddHybridCache()</c>; tags via <c>RemoveByTagAsync</c>.</summary>
internal sealed class HybridCacheContender(string redis) : ICacheContender
{
    public string Name => "HybridCache (memory + Redis L2)";

    public Task<ICacheNode> CreateNodeAsync()
    {
        var services = new ServiceCollection();
        services.AddStackExchangeRedisCache(o => o.Configuration = redis);
        services.AddHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromHours(1), LocalCacheExpiration = TimeSpan.FromHours(1) });
        var provider = services.BuildServiceProvider();
        return Task.FromResult<ICacheNode>(new Node(provider, provider.GetRequiredService<HybridCache>()));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Node(ServiceProvider provider, HybridCache cache) : ICacheNode
    {
        private static readonly HybridCacheEntryOptions ReadOnly = new() { Flags = HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite };

        public async Task<string?> GetAsync(string key) =>
            await cache.GetOrCreateAsync<string?>(key, _ => ValueTask.FromResult<string?>(null), ReadOnly);

        public async Task<string> GetOrCreateAsync(string key, string tag, Func<CancellationToken, Task<string>> factory) =>
            await cache.GetOrCreateAsync(key, async ct => await factory(ct), tags: [tag]);

        public async Task InvalidateTagAsync(string tag) => await cache.RemoveByTagAsync(tag);

        public ValueTask DisposeAsync() => provider.DisposeAsync();
    }
}
