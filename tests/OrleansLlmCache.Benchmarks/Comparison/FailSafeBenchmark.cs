using System.Diagnostics;
using System.Text.Json;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// An origin outage in the middle of mixed traffic, for each contender in turn on the same timeline: two app-server
/// processes (<see cref="NodeProcess"/>) of it run <see cref="OutageLoad"/> against one redis-server, or against one
/// silo (Redis membership, PostgreSQL storage), and the report counts the errors callers saw and the origin calls made,
/// with fail-safe off and on.
/// </summary>
internal static class FailSafeBenchmark
{
    private static readonly (string Name, string Kind, bool FailSafe)[] Contenders =
    [
        ("FusionCache, fail-safe off", "fusion", false),
        ("FusionCache, fail-safe on", "fusion", true),
        ("OrleansLlmCache, fail-safe off", "orleans-l1", false),
        ("OrleansLlmCache, fail-safe on", "orleans-l1", true),
    ];

    /// <summary>Runs every contender and returns the report (markdown).</summary>
    public static async Task<string> RunAsync(FailSafeSettings settings)
    {
        var run = Stopwatch.StartNew();
        var loadBefore = FailSafeReport.LoadAverage();
        await using var children = new OwnedChildren();
        var redis = children.Own(await LocalRedis.StartAsync());
        var postgres = children.Own(await LocalPostgres.StartAsync());
        var clusterId = "fs-" + Guid.NewGuid().ToString("N")[..6];
        var siloStarted = false;
        var results = new List<(string Name, OutageNodeResult[] Nodes)>();
        foreach (var (name, kind, failSafe) in Contenders)
        {
            if (kind.StartsWith("orleans", StringComparison.Ordinal) && !siloStarted)
            {
                // Started only now, so that it does not idle beside FusionCache's runs.
                await SiloCluster.StartAsync(1, clusterId, redis.ConnectionString, await postgres.CreateDatabaseAsync(), children.Own);
                siloStarted = true;
            }

            results.Add((name, await MeasureAsync(name, kind, settings.Setup(failSafe), redis.ConnectionString, clusterId, settings)));
        }

        return FailSafeReport.Write(results, settings, loadBefore, FailSafeReport.LoadAverage(), run.Elapsed);
    }

    private static async Task<OutageNodeResult[]> MeasureAsync(string name, string kind, CacheEntrySetup setup, string redis, string clusterId, FailSafeSettings settings)
    {
        Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {name}");
        await using var a = await NodeProcess.StartAsync(kind, redis, "-", clusterId, setup);
        await using var b = await NodeProcess.StartAsync(kind, redis, "-", clusterId, setup);
        if (kind == "orleans-l1")
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // first invalidation subscription, after which L1 is trusted
        }

        // Both timelines start at the same moment, far enough ahead for both commands to arrive.
        var start = Stopwatch.GetTimestamp() + (2 * Stopwatch.Frequency);
        var prefix = kind + "-" + Guid.NewGuid().ToString("N")[..6];
        var json = JsonSerializer.Serialize(settings);
        var replies = await Task.WhenAll(new[] { a, b }.Select((node, i) => node.SendAsync($"outage {prefix} {i + 1} {start} {json}", settings.Total + TimeSpan.FromMinutes(2))));
        var nodes = replies.Select(r => JsonSerializer.Deserialize<OutageNodeResult>(r[0])!).ToArray();
        foreach (var (error, count) in nodes.SelectMany(n => n.ErrorKinds).GroupBy(e => e.Key, e => e.Value).Select(g => (g.Key, g.Sum())))
        {
            Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {name}: {count} x {error}");
        }

        return nodes;
    }
}
