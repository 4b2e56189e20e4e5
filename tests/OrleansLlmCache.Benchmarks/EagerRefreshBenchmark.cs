using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// Hot keys at their expiry, with and without eager refresh, side by side in one run against one silo and one app
/// server (L1 on): callers ask for a few hot keys through <c>GetOrCreateAsync</c> in turn, pausing a millisecond (as
/// the timer allows) between requests, with an origin that takes a fixed time. Without eager refresh every expiry makes the callers of that key wait for the origin;
/// with it, a hit past the threshold has the origin recompute the entry in the background (a lower threshold leaves more
/// time for that, and calls the origin more often). Reported: the latency of all
/// requests and of those around an expiry (from just before an answer's expiry to just after, whether or not a refreshed
/// answer had replaced it by then), the requests that waited for the origin, and the origin calls.
/// </summary>
internal static class EagerRefreshBenchmark
{
    private const int Keys = 8;
    private const int Callers = 16;
    private static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan OriginLatency = TimeSpan.FromMilliseconds(200);

    // A request is "around an expiry" from this long before an answer's expiry to the origin's latency after it.
    private static readonly TimeSpan BeforeExpiry = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(TimeSpan duration)
    {
        await using var silo = await TcpSilo.StartAsync("refresh-" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
        var cache = host.Cache;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Hot keys at expiry: {Keys} keys, {Callers} callers pausing 1 ms between requests, time to live {TimeToLive.TotalSeconds:0} s, origin {OriginLatency.TotalMilliseconds:0} ms, {duration.TotalSeconds:0} s per row, {Environment.ProcessorCount} cores, load average {LoadAverage()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Console.WriteLine();
        Console.WriteLine("| eager refresh | requests | around an expiry | waited for the origin | origin calls | p50 | p99 | p99 around an expiry | max |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        await MeasureAsync(cache, null, TimeSpan.FromSeconds(2), print: false); // warm-up: tiered JIT
        foreach (var threshold in new double?[] { null, 0.5, 0.8 })
        {
            await MeasureAsync(cache, threshold, duration, print: true);
        }
        Console.WriteLine();
        Console.WriteLine($"Load average after: {LoadAverage()}");
    }

    private static async Task MeasureAsync(ILlmCache cache, double? threshold, TimeSpan duration, bool print)
    {
        var name = threshold is { } t ? string.Create(CultureInfo.InvariantCulture, $"threshold {t}") : "off";
        var run = Guid.NewGuid().ToString("N")[..8];
        var keys = Enumerable.Range(0, Keys).Select(i => cache.CreateKey($"hot-{run}-{i}")).ToArray();
        var options = new LlmCacheEntryOptions { TimeToLive = TimeToLive, EagerRefreshThreshold = threshold };
        var answered = new ConcurrentBag<(int Key, long At)>(); // when each origin answer was stored, about
        var calls = 0;
        var requests = new ConcurrentBag<(int Key, long At, double Micros, bool Waited)>();

        async ValueTask<CachedResponse> Origin(int index)
        {
            Interlocked.Increment(ref calls);
            await Task.Delay(OriginLatency);
            answered.Add((index, Stopwatch.GetTimestamp()));
            return new CachedResponse($"answer {index}", "gpt-4", 100, 200);
        }

        async Task CallerAsync(int caller, long end)
        {
            for (var i = caller; Stopwatch.GetTimestamp() < end; i++)
            {
                var index = i % Keys;
                var started = Stopwatch.GetTimestamp();
                var result = await cache.GetOrCreateAsync(keys[index], _ => Origin(index), options);
                var micros = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                requests.Add((index, started, micros, result.Source is LlmCacheSource.Origin or LlmCacheSource.Coalesced));
                await Task.Delay(1);
            }
        }

        // Every key is cached before the clock starts: what is measured is its expiries, not its first miss.
        await Task.WhenAll(Enumerable.Range(0, Keys).Select(i => cache.GetOrCreateAsync(keys[i], _ => Origin(i), options).AsTask()));
        calls = 0;
        var stop = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(() => CallerAsync(c, stop))));
        if (!print)
        {
            return;
        }

        // Each answer expires a time to live after it was stored; requests from just before to just after count as around it.
        var expiries = answered.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Select(a => a.At + Ticks(TimeToLive)).Order().ToArray());
        var around = requests.Where(r => expiries.TryGetValue(r.Key, out var at) && at.Any(e => r.At >= e - Ticks(BeforeExpiry) && r.At <= e + Ticks(OriginLatency))).ToList();
        var all = new LoadResult(name, 0, Callers, [.. requests.Select(r => r.Micros)], duration);
        var nearExpiry = new LoadResult(name, 0, Callers, [.. around.Select(r => r.Micros)], duration);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {requests.Count:N0} | {around.Count:N0} | {requests.Count(r => r.Waited):N0} | {calls} | {Ms(all.Percentile(50))} | {Ms(all.Percentile(99))} | {Ms(nearExpiry.Percentile(99))} | {Ms(all.Percentile(100))} |"));
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static string Ms(double micros) => micros switch
    {
        >= 1000 => (micros / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " ms",
        >= 10 => micros.ToString("0", CultureInfo.InvariantCulture) + " µs",
        _ => micros.ToString("0.0", CultureInfo.InvariantCulture) + " µs",
    };

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
