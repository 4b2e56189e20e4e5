using System.CommandLine;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Statistics;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache candidates</c>: keys that keep missing, worth warming (the seed's <c>CacheAnalytics</c>).</summary>
internal static class CandidatesCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var threshold = new Option<long>("--threshold") { Description = "List keys that missed at least this many times.", DefaultValueFactory = _ => 3 };
        var limit = new Option<int>("--limit") { Description = "At most this many keys.", DefaultValueFactory = _ => 50 };
        var command = new Command("candidates", "List warming candidates: keys that missed at least --threshold times across the cluster, most missed first.") { threshold, limit };
        common.AddClusterTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var grains = (IGrainFactory)connection.Services.GetService(typeof(IGrainFactory))!;
            var candidates = await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetCandidatesAsync(parse.GetValue(threshold), parse.GetValue(limit));
            if (candidates.Count == 0)
            {
                console.MarkupLineInterpolated($"no key missed {parse.GetValue(threshold)} times or more");
                return 0;
            }

            var table = new Table().AddColumn("key (tenant/namespace/id)").AddColumn(new TableColumn("misses").RightAligned());
            foreach (var candidate in candidates)
            {
                table.AddRow(Markup.Escape(candidate.Key), candidate.Misses.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            }

            console.Write(table);
            return 0;
        }));
        return command;
    }
}
