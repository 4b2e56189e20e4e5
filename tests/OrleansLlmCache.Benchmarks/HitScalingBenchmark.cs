using System.Diagnostics;
using System.Globalization;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// How an app server's L1 hits scale with threads: <c>GetOrCreateAsync</c> hits (what the chat middleware does, with
/// the hit counted in the app server's statistics) and plain <c>GetAsync</c> hits, from 1, 2 and as many threads as
/// the machine has cores, each thread in a loop over 1,000 keys for a fixed time. With nothing shared on the hit path
/// the time per hit per thread stays flat up to the number of cores; a lock or a shared counter on it makes it grow.
/// </summary>
internal static class HitScalingBenchmark
{
    public static async Task RunAsync(TimeSpan duration)
    {
        await using var silo = await TcpSilo.StartAsync("scaling-" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
        var cache = host.Cache;
        var keys = Enumerable.Range(0, 1000).Select(i => cache.CreateKey("scaling-" + i)).ToArray();
        var response = new CachedResponse(new string('x', 1000), "gpt-4", 10, 20);
        foreach (var key in keys)
        {
            await cache.SetAsync(key, response);
        }

        if (await cache.GetAsync(keys[0]) is null || !cache.GetAsync(keys[^1]).IsCompleted)
        {
            throw new InvalidOperationException("the entries are not L1 hits");
        }

        var options = new LlmCacheEntryOptions { Tags = ["scaling"], TimeToLive = TimeSpan.FromHours(1) };
        var kinds = new (string Name, Func<CacheKey, bool> Hit)[]
        {
            ("GetOrCreateAsync hit, tagged options", key =>
            {
                var result = cache.GetOrCreateAsync(key, _ => throw new InvalidOperationException("a miss"), options);
                return result.IsCompleted && result.Result.Source == LlmCacheSource.Hit;
            }),
            ("GetAsync hit", key =>
            {
                var entry = cache.GetAsync(key);
                return entry.IsCompleted && entry.Result is not null;
            }),
        };
        var threadCounts = new[] { 1, 2, Environment.ProcessorCount }.Distinct().Order().ToArray();
        Console.WriteLine($"L1 hits by thread count, {duration.TotalSeconds:0.#} s per row, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        Console.WriteLine("| what | threads | hits per second | ns per hit per thread | against one thread |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, hit) in kinds)
        {
            Measure(hit, 1, duration / 2); // warm-up: tiered JIT
            double? single = null;
            foreach (var threads in threadCounts)
            {
                var perSecond = Measure(hit, threads, duration);
                var nanos = 1e9 * threads / perSecond;
                single ??= nanos;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {threads} | {perSecond:N0} | {nanos:0} | {nanos / single:0.00}x |"));
            }
        }

        double Measure(Func<CacheKey, bool> hit, int threads, TimeSpan time)
        {
            long total = 0;
            var end = 0L; // set once every thread exists, just before they are released together
            using var start = new Barrier(threads + 1);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var (count, i) = (0L, t * 997);
                start.SignalAndWait();
                while (Stopwatch.GetTimestamp() < end)
                {
                    // The clock is read once per 64 hits: reading it per hit would cost about as much as a hit.
                    for (var j = 0; j < 64; j++, i++)
                    {
                        if (!hit(keys[i % keys.Length]))
                        {
                            throw new InvalidOperationException("expected an L1 hit");
                        }
                    }

                    count += 64;
                }

                Interlocked.Add(ref total, count);
            })).ToList();
            workers.ForEach(w => w.Start());
            end = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
            start.SignalAndWait();
            var watch = Stopwatch.StartNew();
            workers.ForEach(w => w.Join());
            return total / watch.Elapsed.TotalSeconds;
        }
    }
}
