using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// What tenant access costs a cluster hit (L1 off, one caller, a batched read of one key), in one process: a silo
/// without access keys read by a client without one (as before access keys); the same silo read by a client that
/// sends a key (the key's trip in the RequestContext, and a silo that only takes it out); a silo that enforces access
/// read by a client with a tenant's key (the check too); and, apart, a client with an outgoing call filter that does
/// nothing (what any call filter costs the runtime's call path). Allocations are the process's: client and silo together.
/// </summary>
[MemoryDiagnoser]
public class AccessCheckBenchmark
{
    private const int Keys = 100;
    private const string AccessKey = "bench-access-key-0123456789abcdef";
    private readonly List<IAsyncDisposable> _hosts = [];
    private CacheKey[] _keys = [];
    private ILlmCache _open = null!;
    private ILlmCache _keyToOpenSilo = null!;
    private ILlmCache _enforced = null!;
    private ILlmCache _noOpFilter = null!;
    private int _next;

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        var openSilo = await Start(TcpSilo.StartAsync("access-bench-open-" + Guid.NewGuid().ToString("N")[..6]));
        var enforcingSilo = await Start(TcpSilo.StartAsync(
            "access-bench-keys-" + Guid.NewGuid().ToString("N")[..6],
            configuration: new Dictionary<string, string?>
            {
                ["LlmCache:Access:Keys:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AccessKey))),
                ["LlmCache:Access:Keys:0:Tenants:0"] = "default",
            }));
        _open = (await Start(ClientHost.ConnectToGatewayAsync(openSilo.GatewayPort, openSilo.ClusterId, configure: NoL1))).Cache;
        _keyToOpenSilo = (await Start(ClientHost.ConnectToGatewayAsync(openSilo.GatewayPort, openSilo.ClusterId, configure: NoL1, accessKey: AccessKey))).Cache;
        _enforced = (await Start(ClientHost.ConnectToGatewayAsync(enforcingSilo.GatewayPort, enforcingSilo.ClusterId, configure: NoL1, accessKey: AccessKey))).Cache;
        _noOpFilter = (await Start(ClientHost.ConnectToGatewayAsync(openSilo.GatewayPort, openSilo.ClusterId, configure: NoL1, services: s => s.AddSingleton<IOutgoingGrainCallFilter>(new NoOp())))).Cache;
        _keys = [.. Enumerable.Range(0, Keys).Select(i => _open.CreateKey($"access-bench-{i}"))];
        foreach (var cache in new[] { _open, _enforced })
        {
            foreach (var key in _keys)
            {
                await cache.SetAsync(key, new CachedResponse(Comparison.LlmResponseText.Create(1024, 0), "gpt-4"), LlmCacheEntryOptions.NeverExpire);
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanUpAsync()
    {
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            await _hosts[i].DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, Description = "no key, open silo")]
    public ValueTask<CacheEntry?> NoKey() => _open.GetAsync(_keys[_next++ % Keys]);

    [Benchmark(Description = "key sent, open silo")]
    public ValueTask<CacheEntry?> KeySentToOpenSilo() => _keyToOpenSilo.GetAsync(_keys[_next++ % Keys]);

    [Benchmark(Description = "key checked, enforcing silo")]
    public ValueTask<CacheEntry?> KeyChecked() => _enforced.GetAsync(_keys[_next++ % Keys]);

    [Benchmark(Description = "no-op filter, open silo")]
    public ValueTask<CacheEntry?> NoOpFilter() => _noOpFilter.GetAsync(_keys[_next++ % Keys]);

    private static void NoL1(LlmCacheOptions options) => options.L1Enabled = false;

    private sealed class NoOp : IOutgoingGrainCallFilter
    {
        public Task Invoke(IOutgoingGrainCallContext context) => context.Invoke();
    }

    private async Task<T> Start<T>(Task<T> starting)
        where T : IAsyncDisposable
    {
        var host = await starting;
        _hosts.Add(host);
        return host;
    }
}
