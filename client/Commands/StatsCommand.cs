using System.CommandLine;
using System.Globalization;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Statistics;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache stats</c>: the cluster's hit rate, latency and savings per namespace and model.</summary>
internal static class StatsCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var command = new Command("stats", "Show cluster-wide statistics reported by every app server: hits by layer, misses, hit rate, times, tokens and dollars saved.");
        common.AddClusterTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var grains = (IGrainFactory)connection.Services.GetService(typeof(IGrainFactory))!;
            var stats = await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetAsync();
            Render(console, stats);
            return 0;
        }));
        return command;
    }

    internal static void Render(IAnsiConsole console, ClusterStatistics stats)
    {
        var table = new Table().Title($"[bold]Cluster statistics since {stats.Since:u}[/]")
            .AddColumn("namespace").AddColumn("model")
            .AddColumn(new TableColumn("hits L1 / silo / storage / semantic / waited").RightAligned()).AddColumn(new TableColumn("misses").RightAligned())
            .AddColumn(new TableColumn("hit rate").RightAligned()).AddColumn(new TableColumn("avg hit").RightAligned()).AddColumn(new TableColumn("avg miss").RightAligned())
            .AddColumn(new TableColumn("tokens saved").RightAligned()).AddColumn(new TableColumn("$ saved").RightAligned()).AddColumn(new TableColumn("$ spent").RightAligned());
        foreach (var group in stats.Rows.GroupBy(r => (r.Namespace, r.Model)))
        {
            long Count(string outcome) => group.Where(r => r.Outcome == outcome).Sum(r => r.Count);
            var hits = group.Where(r => r.Outcome != "miss").ToList();
            var misses = group.Where(r => r.Outcome == "miss").ToList();
            var hitCount = hits.Sum(r => r.Count);
            var missCount = misses.Sum(r => r.Count);
            table.AddRow(
                Markup.Escape(group.Key.Namespace),
                Markup.Escape(group.Key.Model),
                $"{Count("l1"):N0} / {Count("silo"):N0} / {Count("storage"):N0} / {Count("semantic"):N0} / {Count("coalesced"):N0}",
                missCount.ToString("N0", CultureInfo.InvariantCulture),
                hitCount + missCount == 0 ? "-" : ((double)hitCount / (hitCount + missCount)).ToString("P1", CultureInfo.InvariantCulture),
                Ms(hits.Sum(r => r.TotalMilliseconds), hitCount),
                Ms(misses.Sum(r => r.TotalMilliseconds), missCount),
                hits.Sum(r => r.InputTokens + r.OutputTokens).ToString("N0", CultureInfo.InvariantCulture),
                hits.Sum(r => r.Dollars).ToString("$#,0.00", CultureInfo.InvariantCulture),
                misses.Sum(r => r.Dollars).ToString("$#,0.00", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        var totalHits = stats.Rows.Where(r => r.Outcome != "miss").Sum(r => r.Count);
        var totalMisses = stats.Rows.Where(r => r.Outcome == "miss").Sum(r => r.Count);
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"total: {totalHits:N0} hits, {totalMisses:N0} misses, hit rate {(totalHits + totalMisses == 0 ? 0 : (double)totalHits / (totalHits + totalMisses)):P1}; p99 hit {LatencyHistogram.Percentile(stats.HitHistogram, 99).TotalMilliseconds:0.###} ms, p99 miss {LatencyHistogram.Percentile(stats.MissHistogram, 99).TotalMilliseconds:0.###} ms; saved {stats.Rows.Where(r => r.Outcome != "miss").Sum(r => r.Dollars):$#,0.00}");
    }

    private static string Ms(double totalMilliseconds, long count) =>
        count == 0 ? "-" : (totalMilliseconds / count).ToString("0.### 'ms'", CultureInfo.InvariantCulture);
}
