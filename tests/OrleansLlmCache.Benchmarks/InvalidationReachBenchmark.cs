using System.Diagnostics;
using System.Globalization;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Benchmarks.Comparison;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// How long an invalidation takes to reach 1, 4 and 16 app-server processes (this program in <c>node</c> mode, each an
/// Orleans client with L1, see <see cref="NodeServer"/>) against one silo process (Redis membership, memory storage).
/// Each round one process stores a tagged entry and every process reads it until its L1 answers it; then the harness's
/// own client (L1 off) either invalidates the tag (<c>InvalidateTagAsync</c>) or overwrites the entry
/// (<c>SetAsync</c>), and each process reports when its L1 stopped answering the entry (<see cref="DropWatch"/>,
/// polled about once a millisecond). Reach is measured from the start of the harness's call, on the system-wide
/// monotonic clock that every process reads.
/// </summary>
internal static class InvalidationReachBenchmark
{
    private static readonly string[] Kinds = ["InvalidateTagAsync", "overwrite (SetAsync)"];

    public static async Task RunAsync(int rounds, IReadOnlyList<int> processCounts)
    {
        await using var redis = await LocalRedis.StartAsync();
        var clusterId = "reach-" + Guid.NewGuid().ToString("N")[..6];
        var silos = await SiloCluster.StartAsync(1, clusterId, redis.ConnectionString, postgresDatabase: null);
        var nodes = new List<NodeProcess>();
        try
        {
            await using var harness = await ClientHost.ConnectThroughRedisAsync(redis.ConnectionString, clusterId, configure: o => o.L1Enabled = false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Invalidation reach, 1 silo (memory storage), {rounds} rounds per row, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
            Console.WriteLine();
            Console.WriteLine("| app-server processes | invalidation | call returned p50 | call returned max | last process dropped its copy p50 | max | per process p50 |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var count in processCounts)
            {
                while (nodes.Count < count)
                {
                    // A few at a time: 16 runtimes starting at once on two cores take longer than one after another.
                    var starting = Enumerable.Range(0, Math.Min(4, count - nodes.Count)).Select(_ => NodeProcess.StartAsync("orleans-l1", redis.ConnectionString, "-", clusterId));
                    nodes.AddRange(await Task.WhenAll(starting));
                }

                foreach (var kind in Kinds)
                {
                    await RoundAsync(harness.Cache, nodes, kind, $"warm-{count}"); // not recorded: JIT, first connections
                    var calls = new List<double>();
                    var lastDrops = new List<double>();
                    var drops = new List<double>();
                    for (var round = 0; round < rounds; round++)
                    {
                        var (call, reached) = await RoundAsync(harness.Cache, nodes, kind, $"r{count}-{round}");
                        calls.Add(call);
                        lastDrops.Add(reached.Max());
                        drops.AddRange(reached);
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {count} | {kind} | {Median(calls):0.0} ms | {calls.Max():0.0} ms | {Median(lastDrops):0.0} ms | {lastDrops.Max():0.0} ms | {Median(drops):0.0} ms |"));
                }
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <returns>The harness call's duration and, for each process, when it dropped its copy, in milliseconds from the call's start.</returns>
    private static async Task<(double Call, double[] Reached)> RoundAsync(ILlmCache harness, List<NodeProcess> nodes, string kind, string round)
    {
        var prefix = $"reach-{round}-{Guid.NewGuid():N}"[..32];
        var key = prefix + "-k0"; // the key NodeServer's fill gives entry 0 of the prefix
        var tag = prefix + "-tag";
        await nodes[0].SendAsync($"fill {prefix} 1 1024 {tag}");
        await Task.WhenAll(nodes.Select(n => n.SendAsync($"watch {key}")));

        var started = Stopwatch.GetTimestamp();
        if (kind == Kinds[0])
        {
            await harness.InvalidateTagAsync(tag);
        }
        else
        {
            await harness.SetAsync(harness.CreateKey(key), new CachedResponse("replaced", "gpt-4"), new LlmCacheEntryOptions { Tags = [tag], TimeToLive = TimeSpan.FromHours(1) });
        }

        var call = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var dropped = await Task.WhenAll(nodes.Select(n => n.SendAsync($"dropped {key}")));
        var reached = dropped.Select(d => (long.Parse(d[0], CultureInfo.InvariantCulture) - started) * 1000.0 / Stopwatch.Frequency).ToArray();
        return (call, reached);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[(sorted.Count - 1) / 2];
    }
}
