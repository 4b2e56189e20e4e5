using BenchmarkDotNet.Attributes;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// What <see cref="ClusterReadRetry"/>'s pipeline (a retry and a circuit breaker) would add to every cluster read that
/// succeeds, if every read went through it: the reason only reads the cluster refused enter it. The "read" completes
/// asynchronously, as a cluster read does, after one hop through the thread pool, so the rows differ only by the
/// wrapper.
/// </summary>
[MemoryDiagnoser]
public class ReadRetryBenchmark
{
    private static readonly CacheEntry Entry = new(new CachedResponse("answer", "gpt-4"), DateTimeOffset.UnixEpoch, null, 0);
    private readonly ClusterReadRetry _retry = new();

    [Benchmark(Baseline = true, Description = "read awaited directly")]
    public async Task<CacheEntry?> Direct() => await ReadAsync().WaitAsync(TimeSpan.FromSeconds(2));

    [Benchmark(Description = "read through ClusterReadRetry")]
    public async Task<CacheEntry?> Retried() =>
        await _retry.Pipeline.ExecuteAsync(static _ => new ValueTask<CacheEntry?>(ReadAsync()), CancellationToken.None)
            .AsTask().WaitAsync(TimeSpan.FromSeconds(2));

    private static async Task<CacheEntry?> ReadAsync()
    {
        await Task.Yield();
        return Entry;
    }
}
