using System.Diagnostics;
using System.Globalization;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// Time to invalidate a tag of N entries until every entry misses on two app servers that hold them
/// in L1, and an L1 hit next to a silo hit, in one run against one silo process (memory storage).
/// </summary>
internal static class InvalidationBenchmark
{
    public static async Task RunAsync(IReadOnlyList<int> sizes)
    {
        var clusterId = "inv-bench-" + Guid.NewGuid().ToString("N")[..6];
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["LlmCache__Silo__ClusterId"] = clusterId });
        await using var a = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, clusterId);
        await using var b = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, clusterId, configure: o => o.L1SizeLimitBytes = 1L << 30);
        await using var noL1 = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, clusterId, configure: o => o.L1Enabled = false);
        await Task.Delay(TimeSpan.FromSeconds(2)); // first subscriptions

        Console.WriteLine("| entries in the tag | set-up (write + read into B's L1) | InvalidateTagAsync returned after | entries reached | reads of every entry on A and B afterwards | stale reads |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            var tenant = "bench" + size.ToString(CultureInfo.InvariantCulture);
            var keys = Enumerable.Range(0, size).Select(i => new CacheKey(tenant, "catalog", $"item-{i}")).ToArray();
            var setup = Stopwatch.StartNew();
            await ForEachAsync(keys, key => a.Cache.SetAsync(key, new CachedResponse("An answer about " + key.Id, "gpt-4", 40, 60), new LlmCacheEntryOptions { Tags = ["catalog"], NoExpiry = true }).AsTask());
            await ForEachAsync(keys, key => b.Cache.GetAsync(key).AsTask());
            setup.Stop();

            var invalidate = Stopwatch.StartNew();
            var result = await a.Cache.InvalidateTagAsync("catalog", tenant);
            invalidate.Stop();
            var stale = 0;
            await ForEachAsync(keys, async key =>
            {
                if (await a.Cache.GetAsync(key) is not null || await b.Cache.GetAsync(key) is not null)
                {
                    Interlocked.Increment(ref stale);
                }
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {setup.Elapsed.TotalSeconds:0.0} s | {invalidate.Elapsed.TotalMilliseconds:0} ms | {result.EntriesReached:N0} | {2 * size:N0} | {stale} |"));
        }

        Console.WriteLine();
        var hitKey = a.Cache.CreateKey("hot");
        await a.Cache.SetAsync(hitKey, new CachedResponse(new string('x', 1024), "gpt-4"), LlmCacheEntryOptions.NeverExpire);
        await b.Cache.GetAsync(hitKey);
        var l1 = await MeasureAsync(() => b.Cache.GetAsync(hitKey), 200_000);
        var siloHit = await MeasureAsync(() => noL1.Cache.GetAsync(hitKey), 20_000);
        Console.WriteLine("| hit from | p50 | p99 | samples |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| L1 (in-process, ILlmCache.GetAsync) | {l1.P50 * 1000:0} ns | {l1.P99 * 1000:0} ns | {l1.Count:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| silo (L1 off, one caller, loopback TCP) | {siloHit.P50:0} µs | {siloHit.P99:0} µs | {siloHit.Count:N0} |"));
    }

    private static async Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> action) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (item, _) => await action(item));

    /// <summary>Latency of one call at a time, in microseconds.</summary>
    private static async Task<(double P50, double P99, int Count)> MeasureAsync(Func<ValueTask<CacheEntry?>> call, int samples)
    {
        for (var i = 0; i < samples / 10; i++)
        {
            await call();
        }

        var latencies = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var entry = await call();
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (entry is null)
            {
                throw new InvalidOperationException("expected a hit");
            }
        }

        Array.Sort(latencies);
        return (latencies[samples / 2], latencies[(int)(samples * 0.99)], samples);
    }
}
