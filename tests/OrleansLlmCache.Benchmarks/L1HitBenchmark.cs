using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// The cost of one in-process hit, without the compare harness around it: the Redis-backed design's (the article's) memory layer
/// (<c>MemoryCache.TryGetValue</c> on the key string) next to OrleansLlmCache's L1 through the public
/// <see cref="ILlmCache.GetAsync"/>, with a precomputed <see cref="CacheKey"/> and with the key built from the same
/// string per hit (<see cref="ILlmCache.CreateKey(string, string?, string?)"/>, which validates it), as the compare
/// harness's app servers do, and through <see cref="ILlmCache.GetOrCreateAsync"/> (statistics, policy and options
/// included). The L1 entries carry what a real entry carries: a namespace version and a tag version,
/// both checked on every hit. An in-process silo (memory storage) serves the writes; the hits never leave the process.
/// </summary>
[MemoryDiagnoser]
public class L1HitBenchmark
{
    private const int Keys = 1000;
    private readonly MemoryCache _articleMemory = new(new MemoryCacheOptions());
    private string[] _ids = [];
    private CacheKey[] _keys = [];
    private TcpSilo? _silo;
    private ClientHost? _client;
    private ILlmCache _cache = null!;

    /// <summary>
    /// Each key's answer, distinct per key as in the compare harness (realistic LLM text of this many bytes), so that the
    /// entries lie in memory as an app server's do: 16 KiB answers put each entry's objects far apart.
    /// </summary>
    [Params(1024, 16 * 1024)]
    public int AnswerBytes { get; set; } = 1024;

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        var clusterId = "l1-bench-" + Guid.NewGuid().ToString("N")[..6];
        _silo = await TcpSilo.StartAsync(clusterId);
        _client = await ClientHost.ConnectToGatewayAsync(_silo.GatewayPort, clusterId, configure: o => o.L1SizeLimitBytes = 256L << 20);
        _cache = _client.Cache;
        _ids = Enumerable.Range(0, Keys).Select(i => $"hits-1k-k{i}").ToArray();
        _keys = _ids.Select(id => _cache.CreateKey(id)).ToArray();
        foreach (var (i, id, key) in _ids.Zip(_keys).Select((pair, i) => (i, pair.First, pair.Second)))
        {
            var answer = Comparison.LlmResponseText.Create(AnswerBytes, i);
            _articleMemory.Set(id, answer, TimeSpan.FromHours(1));
            await _cache.SetAsync(key, new CachedResponse(answer, "gpt-4"), new LlmCacheEntryOptions { Tags = ["bench"], TimeToLive = TimeSpan.FromHours(1) });
        }

        // Every key must be an L1 hit, or the figures below would include round trips. L1 keeps entries only once the
        // app server holds its first invalidation lease (a moment after it connects): read until every key is local.
        for (var attempt = 0; _keys.Any(key => !_cache.GetAsync(key).IsCompletedSuccessfully); attempt++)
        {
            if (attempt == 300)
            {
                throw new InvalidOperationException("The entries did not reach L1 within 30 s.");
            }

            await Task.Delay(100);
            foreach (var key in _keys)
            {
                await _cache.GetAsync(key);
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanUpAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _articleMemory.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Keys, Description = "article's design: MemoryCache.TryGetValue(string)")]
    public int ArticleMemoryHit()
    {
        var found = 0;
        foreach (var id in _ids)
        {
            if (_articleMemory.TryGetValue(id, out string? _))
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Keys, Description = "L1: ILlmCache.GetAsync(CacheKey)")]
    public int OrleansL1Hit()
    {
        var found = 0;
        foreach (var key in _keys)
        {
            if (_cache.GetAsync(key) is { IsCompletedSuccessfully: true, Result: not null })
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Keys, Description = "L1: GetAsync(CreateKey(string))")]
    public int OrleansL1HitFromString()
    {
        var found = 0;
        foreach (var id in _ids)
        {
            if (_cache.GetAsync(_cache.CreateKey(id)) is { IsCompletedSuccessfully: true, Result: not null })
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Keys, Description = "L1: GetAsync(CreateKey(string)), answer text read")]
    public int OrleansL1HitContent()
    {
        // What the compare harness's node does with a hit: the answer text from the entry (Entry.Response.Content).
        var found = 0;
        foreach (var id in _ids)
        {
            if (_cache.GetAsync(_cache.CreateKey(id)) is { IsCompletedSuccessfully: true, Result.Response.Content: not null })
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Keys, Description = "article's design adapter: async Task<string?>")]
    public async Task<int> ArticleAdapter()
    {
        var found = 0;
        foreach (var id in _ids)
        {
            if (await ArticleGetAsync(id) is not null)
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Keys, Description = "L1 adapter: async Task<string?>")]
    public async Task<int> OrleansAdapter()
    {
        var found = 0;
        foreach (var id in _ids)
        {
            if (await OrleansGetAsync(id) is not null)
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Keys, Description = "L1: GetOrCreateAsync(CacheKey) hit, tagged options")]
    public async Task<int> OrleansGetOrCreateHit()
    {
        var found = 0;
        foreach (var key in _keys)
        {
            // Options built per call, as an app passes them.
            var result = await _cache.GetOrCreateAsync(key, NeverCalled, new LlmCacheEntryOptions { Tags = ["bench"], TimeToLive = TimeSpan.FromHours(1) });
            if (result.Source == LlmCacheSource.Hit)
            {
                found++;
            }
        }

        return found;
    }

    private static readonly Func<CancellationToken, ValueTask<CachedResponse>> NeverCalled =
        _ => throw new InvalidOperationException("Every key is an L1 hit; the origin must not be called.");

    private async Task<string?> ArticleGetAsync(string key)
    {
        if (_articleMemory.TryGetValue(key, out string? local))
        {
            return local;
        }

        await Task.Yield();
        return null;
    }

    private async Task<string?> OrleansGetAsync(string key) => (await _cache.GetAsync(_cache.CreateKey(key)))?.Response.Content;
}
