using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Keys;
using OrleansLlmCache.Model;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>OrleansLlmCache: a client host per node against a running silo process, L1 on or off.</summary>
internal sealed class OrleansContender(SiloProcess silo, string clusterId, bool l1) : ICacheContender
{
    public string Name => $"OrleansLlmCache (1 silo, L1 {(l1 ? "on" : "off")})";

    public async Task<ICacheNode> CreateNodeAsync()
    {
        var host = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, clusterId, configure: o => o.L1Enabled = l1);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // first invalidation subscription, after which L1 is trusted
        return new Node(host);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Node(ClientHost host) : ICacheNode
    {
        private readonly ILlmCache _cache = host.Cache;

        public async Task<string?> GetAsync(string key) => (await _cache.GetAsync(Key(key)))?.Response.Content;

        public async Task<string> GetOrCreateAsync(string key, string tag, Func<CancellationToken, Task<string>> factory) =>
            (await _cache.GetOrCreateAsync(
                Key(key),
                async ct => new CachedResponse(await factory(ct), "gpt-4"),
                new LlmCacheEntryOptions { Tags = [tag], TimeToLive = TimeSpan.FromHours(1) })).Response.Content;

        public async Task InvalidateTagAsync(string tag) => await _cache.InvalidateTagAsync(tag);

        public ValueTask DisposeAsync() => host.DisposeAsync();

        private CacheKey Key(string key) => _cache.CreateKey(key.Replace('/', '.'));
    }
}
