using System.Diagnostics;
using System.Globalization;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// Issue 8: the contenders side by side in one run, each with two app-server nodes in this process (separate memory,
/// shared Redis / cluster): warm hits, a stampede on one missing key, and stale reads after a tag invalidation.
/// </summary>
internal static class ComparisonBenchmark
{
    /// <summary>Runs the comparison; prints the table and returns it (markdown).</summary>
    public static async Task<string> RunAsync(int entries, TimeSpan originLatency)
    {
        var table = new System.Text.StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            table.AppendLine(text);
        }

        await using var redis = await LocalRedis.StartAsync();
        var clusterId = "cmp-" + Guid.NewGuid().ToString("N")[..6];
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["LlmCache__Silo__ClusterId"] = clusterId });
        ICacheContender[] contenders =
        [
            new SeedDesignContender(redis.ConnectionString),
            new FusionCacheContender(redis.ConnectionString),
            new HybridCacheContender(redis.ConnectionString),
            new OrleansContender(silo, clusterId, l1: true),
            new OrleansContender(silo, clusterId, l1: false),
        ];

        var payload = new string('x', 1024);
        Line($"Comparison, {entries} entries, 1 KiB values, origin latency {originLatency.TotalMilliseconds:0} ms, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
        Line();
        Line("| contender | warm hit p50 (1 caller) | warm hit p99 | hits/s (16 callers) | stampede: origin calls for 1,000 concurrent misses on 2 nodes | stale reads on node B right after node A's tag invalidation returned | node B serves none of them after |");
        Line("|---|---|---|---|---|---|---|");
        foreach (var contender in contenders)
        {
            var run = Guid.NewGuid().ToString("N")[..6];
            await using var a = await contender.CreateNodeAsync();
            await using var b = await contender.CreateNodeAsync();
            var keys = Enumerable.Range(0, entries).Select(i => $"{run}-k{i}").ToArray();
            var tag = "tag-" + run;

            // Fill through A, then read everything on B (so both nodes hold local copies).
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, _) => await a.GetOrCreateAsync(key, tag, _ => Task.FromResult(payload)));
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, _) =>
                await b.GetOrCreateAsync(key, tag, _ => throw new InvalidOperationException("B must find what A stored")));

            var oneCaller = await LoadRunner.RunAsync(contender.Name, 1024, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), async i => await Hit(b, keys[i % keys.Length]));
            var sixteen = await LoadRunner.RunAsync(contender.Name, 1024, 16, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), async i => await Hit(b, keys[i % keys.Length]));

            var originCalls = 0;
            var stampedeKey = $"{run}-stampede";
            await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
                await (i % 2 == 0 ? a : b).GetOrCreateAsync(stampedeKey, tag + "-s", async ct =>
                {
                    Interlocked.Increment(ref originCalls);
                    await Task.Delay(originLatency, ct);
                    return payload;
                }))));

            var invalidated = Stopwatch.StartNew();
            await a.InvalidateTagAsync(tag);
            var returned = invalidated.Elapsed;
            var stale = await CountStaleAsync(b, keys);
            var firstPass = stale;
            while (stale > 0 && invalidated.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
                stale = await CountStaleAsync(b, keys);
            }

            var clean = stale == 0 ? $"{invalidated.Elapsed.TotalMilliseconds:0} ms" : "not within 10 s";

            Line(string.Create(CultureInfo.InvariantCulture,
                $"| {contender.Name} | {Format(oneCaller.Percentile(50))} | {Format(oneCaller.Percentile(99))} | {sixteen.Throughput:N0} | {originCalls} | {firstPass} of {entries} (call returned after {returned.TotalMilliseconds:0} ms) | {clean} |"));
        }

        return table.ToString();
    }

    private static async Task<int> CountStaleAsync(ICacheNode node, string[] keys)
    {
        var stale = 0;
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, _) =>
        {
            if (await node.GetAsync(key) is not null)
            {
                Interlocked.Increment(ref stale);
            }
        });
        return stale;
    }

    private static async Task Hit(ICacheNode node, string key)
    {
        if (await node.GetAsync(key) is null)
        {
            throw new InvalidOperationException($"expected a hit for {key}");
        }
    }

    private static string Format(double micros) => micros < 10
        ? string.Create(CultureInfo.InvariantCulture, $"{micros:0.0} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{micros:0} µs");
}
