using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>HybridCache as documented: <c>AddStackExchangeRedisCache</c> for L2, <c>AddHybridCache()</c>; tags via <c>RemoveByTagAsync</c>.</summary>
internal sealed class HybridCacheNode(ServiceProvider provider, HybridCache cache) : ICacheNode
{
    public static ICacheNode Create(string redis)
    {
        var services = new ServiceCollection();
        services.AddStackExchangeRedisCache(o => o.Configuration = redis);
        services.AddHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromHours(1), LocalCacheExpiration = TimeSpan.FromHours(1) });
        var provider = services.BuildServiceProvider();
        return new HybridCacheNode(provider, provider.GetRequiredService<HybridCache>());
    }

    // HybridCache has no plain get. A factory that returns null would cache the null; one that throws caches nothing,
    // while a value found in Redis is copied into process memory as an app server's GetOrCreateAsync would.
    public async ValueTask<string?> GetAsync(string key)
    {
        try
        {
            return await cache.GetOrCreateAsync<string>(key, _ => throw new KeyNotFoundException(key));
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    public async ValueTask<string> GetOrCreateAsync(string key, string tag, Func<CancellationToken, Task<string>> factory) =>
        await cache.GetOrCreateAsync(key, async ct => await factory(ct), tags: [tag]);

    public async Task InvalidateTagAsync(string tag) => await cache.RemoveByTagAsync(tag);

    public ValueTask DisposeAsync() => provider.DisposeAsync();
}
