using System.Globalization;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Demo;

/// <summary>Prints a <see cref="DemoReport"/> as the tables a person reads at the end of the demo.</summary>
internal static class DemoReportRenderer
{
    public static void Render(IAnsiConsole console, DemoReport report)
    {
        var summary = new Table().Title("[bold]OrleansLlmCache demo[/]").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        summary.AddRow("cache", Markup.Escape(report.CacheDescription));
        summary.AddRow("requests", N(report.Requests));
        summary.AddRow("hits (stored answer)", N(report.Hits));
        summary.AddRow("hits (waited for a concurrent identical request)", N(report.Coalesced));
        summary.AddRow("misses (origin called)", N(report.Misses));
        if (report.OriginCalls is { } calls)
        {
            summary.AddRow("origin calls counted by the origin", N(calls));
        }

        summary.AddRow("[bold]hit rate[/]", $"[bold]{report.HitRate:P1}[/]");
        summary.AddRow("hit latency p50 / p99", $"{Ms(DemoReport.Percentile(report.HitLatencies, 50))} / {Ms(DemoReport.Percentile(report.HitLatencies, 99))}");
        summary.AddRow("miss latency p50 / p99", $"{Ms(DemoReport.Percentile(report.MissLatencies, 50))} / {Ms(DemoReport.Percentile(report.MissLatencies, 99))}");
        summary.AddRow("wall time", $"{report.WallTime.TotalSeconds:0.0} s");
        console.Write(summary);

        var money = new Table().Title("[bold]Tokens and dollars[/] (the article's prices: GPT-4 $0.03/$0.06, Claude 3.5 Sonnet $0.003/$0.015 per 1K in/out)")
            .AddColumn("model").AddColumn(new TableColumn("input tokens saved").RightAligned()).AddColumn(new TableColumn("output tokens saved").RightAligned())
            .AddColumn(new TableColumn("saved").RightAligned()).AddColumn(new TableColumn("paid for misses").RightAligned());
        foreach (var row in report.Savings)
        {
            money.AddRow(
                Markup.Escape(row.Model) + (row.Priced ? string.Empty : " (no price)"),
                N(row.InputTokensSaved),
                N(row.OutputTokensSaved),
                Dollars(row.DollarsSaved),
                Dollars(row.DollarsSpent));
        }

        money.AddRow("[bold]total[/]", N(report.Savings.Sum(s => s.InputTokensSaved)), N(report.Savings.Sum(s => s.OutputTokensSaved)),
            $"[bold green]{Dollars(report.DollarsSaved)}[/]", Dollars(report.DollarsSpent));
        console.Write(money);
        var total = report.DollarsSaved + report.DollarsSpent;
        if (total > 0)
        {
            console.MarkupLineInterpolated($"Without the cache this workload would have cost {Dollars(total)}; with it, {Dollars(report.DollarsSpent)} ({report.DollarsSaved / total:P0} less).");
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(TimeSpan value) => value.TotalMilliseconds < 10
        ? value.TotalMilliseconds.ToString("0.00 'ms'", CultureInfo.InvariantCulture)
        : value.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    private static string Dollars(decimal value) => value.ToString("$#,0.00", CultureInfo.InvariantCulture);
}
