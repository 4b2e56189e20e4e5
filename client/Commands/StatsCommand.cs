using System.CommandLine;
using System.Globalization;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Cli.Output;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache stats</c>: the cluster's hit rate, latency and savings per namespace and model.</summary>
internal static class StatsCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var json = JsonOutput.CreateOption();
        var command = new Command("stats", "Show cluster-wide statistics reported by every app server and silo: hits by layer, misses, hit rate, times, tokens and dollars saved, gross and net of embedding cost.") { json };
        common.AddClusterTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var grains = (IGrainFactory)connection.Services.GetService(typeof(IGrainFactory))!;
            var stats = await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetAsync();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console, new
                {
                    since = stats.Since,
                    hits = stats.Hits,
                    misses = stats.Misses,
                    hitRate = stats.HitRate,
                    warmed = stats.Warmed,
                    refreshed = stats.Refreshed,
                    p99HitMilliseconds = LatencyHistogram.Percentile(stats.HitHistogram, 99).TotalMilliseconds,
                    p99MissMilliseconds = LatencyHistogram.Percentile(stats.MissHistogram, 99).TotalMilliseconds,
                    grossSaved = stats.GrossSaved,
                    embeddingCost = stats.EmbeddingCost,
                    verifierCost = stats.VerifierCost,
                    warmingSpent = stats.WarmingSpent,
                    refreshSpent = stats.RefreshSpent,
                    netSaved = stats.NetSaved,
                    spent = stats.Spent,
                    rows = stats.Rows,
                    embedding = stats.Embedding,
                    semantic = stats.SemanticNamespaces.Select(name => (Name: name, Feedback: stats.SemanticFeedbackIn(name))).Select(n => new
                    {
                        @namespace = n.Name,
                        semanticHits = stats.SemanticHitsIn(n.Name),
                        reportedCorrect = n.Feedback.ReportedCorrect,
                        reportedWrong = n.Feedback.ReportedWrong,
                        errorRate = n.Feedback.ErrorRate,
                        errorRateUpperBound = n.Feedback.ErrorRateUpperBound,
                        verifierRefusals = n.Feedback.VerifierRefusals,
                        verifierCost = stats.VerifierCostIn(n.Name),
                    }),
                });
                return ExitCodes.Ok;
            }

            Render(console, stats);
            return ExitCodes.Ok;
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
            var hits = group.Where(r => ClusterStatistics.IsHit(r.Outcome)).ToList();
            var misses = group.Where(r => r.Outcome == ClusterStatistics.MissOutcome).ToList();
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
                Dollars(hits.Sum(r => r.Dollars)),
                Dollars(misses.Sum(r => r.Dollars)));
        }

        console.Write(table);

        // Embedding work belongs to a namespace, not to an origin model: savings net of it are shown per namespace, and so
        // are warming's origin calls (paid only because the cache warmed those keys) and background ones (eager refresh, calls
        // that went on after their caller's timeout).
        var savings = new Table().Title("[bold]Savings net of the cache's own embedding, warming and refresh work[/]")
            .AddColumn("namespace").AddColumn(new TableColumn("$ saved (gross)").RightAligned())
            .AddColumn(new TableColumn("texts / tokens embedded").RightAligned()).AddColumn(new TableColumn("$ embedding").RightAligned())
            .AddColumn(new TableColumn("origin calls warming").RightAligned()).AddColumn(new TableColumn("$ warming").RightAligned())
            .AddColumn(new TableColumn("$ refresh").RightAligned()).AddColumn(new TableColumn("$ saved (net)").RightAligned());
        foreach (var name in stats.Rows.Select(r => r.Namespace).Concat(stats.Embedding.Select(e => e.Namespace)).Distinct().Order(StringComparer.Ordinal))
        {
            var embedded = stats.Embedding.Where(e => e.Namespace == name).ToList();
            savings.AddRow(
                name.Length == 0 ? "(none named)" : Markup.Escape(name),
                Dollars(stats.GrossSavedIn(name)),
                $"{embedded.Sum(e => e.Texts):N0} / {embedded.Sum(e => e.Tokens):N0}",
                Dollars(stats.EmbeddingCostIn(name)),
                stats.WarmedIn(name).ToString("N0", CultureInfo.InvariantCulture),
                Dollars(stats.WarmingSpentIn(name)),
                Dollars(stats.RefreshSpentIn(name)),
                Dollars(stats.NetSavedIn(name)));
        }

        console.Write(savings);
        if (stats.SemanticNamespaces.Count > 0)
        {
            // Reported wrong over reported, with the Wilson 95 % upper bound: what the reports do not rule out.
            var semantic = new Table().Title("[bold]Semantic hits and feedback[/]")
                .AddColumn("namespace").AddColumn(new TableColumn("semantic hits").RightAligned())
                .AddColumn(new TableColumn("reported right / wrong").RightAligned()).AddColumn(new TableColumn("error rate (95 % bound)").RightAligned())
                .AddColumn(new TableColumn("verifier refused").RightAligned()).AddColumn(new TableColumn("$ verifier").RightAligned());
            foreach (var name in stats.SemanticNamespaces)
            {
                var feedback = stats.SemanticFeedbackIn(name);
                semantic.AddRow(
                    name.Length == 0 ? "(none named)" : Markup.Escape(name),
                    stats.SemanticHitsIn(name).ToString("N0", CultureInfo.InvariantCulture),
                    $"{feedback.ReportedCorrect:N0} / {feedback.ReportedWrong:N0}",
                    feedback.Reported == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{feedback.ErrorRate:P1} (≤ {feedback.ErrorRateUpperBound:P1})"),
                    feedback.VerifierRefusals.ToString("N0", CultureInfo.InvariantCulture),
                    Dollars(stats.VerifierCostIn(name)));
            }

            console.Write(semantic);
        }

        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"total: {stats.Hits:N0} hits, {stats.Misses:N0} misses, hit rate {stats.HitRate:P1}, {stats.Warmed:N0} origin calls by warming and {stats.Refreshed:N0} in the background (not counted as requests); p99 hit {LatencyHistogram.Percentile(stats.HitHistogram, 99).TotalMilliseconds:0.###} ms, p99 miss {LatencyHistogram.Percentile(stats.MissHistogram, 99).TotalMilliseconds:0.###} ms");
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"saved {Dollars(stats.GrossSaved)} gross - {Dollars(stats.EmbeddingCost)} embedding - {Dollars(stats.VerifierCost)} verifier - {Dollars(stats.WarmingSpent)} warming - {Dollars(stats.RefreshSpent)} refresh = {Dollars(stats.NetSaved)} net; spent {Dollars(stats.Spent)} on misses");
    }

    // Embedding costs are millionths of a dollar: below a cent, up to ten decimals rather than $0.00.
    private static string Dollars(decimal amount) => amount.ToString(amount != 0 && Math.Abs(amount) < 0.01m ? "$#,0.00########" : "$#,0.00", CultureInfo.InvariantCulture);

    private static string Ms(double totalMilliseconds, long count) =>
        count == 0 ? "-" : (totalMilliseconds / count).ToString("0.### 'ms'", CultureInfo.InvariantCulture);
}
