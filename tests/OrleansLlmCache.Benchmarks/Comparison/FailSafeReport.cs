using System.Globalization;
using System.Text;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>Turns the fail-safe benchmark's node results into markdown tables; every figure computed, none typed.</summary>
internal static class FailSafeReport
{
    public static string Write(IReadOnlyList<(string Name, OutageNodeResult[] Nodes)> results, FailSafeSettings s, string loadBefore, string loadAfter, TimeSpan took)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {took.TotalMinutes:0.0} min in all; load average {loadBefore} before, {loadAfter} after.");
        Line($"Timeline per contender: {s.Healthy.TotalSeconds:0} s healthy, {s.Outage.TotalSeconds:0} s of outage (every origin call fails after {s.OriginFailure.TotalMilliseconds:0} ms), {s.After.TotalSeconds:0} s healthy. 2 app servers x {s.CallersPerNode} callers, each pausing {s.ThinkTime.TotalMilliseconds:0} ms between requests; Zipf (exponent 1) over {s.Keys:N0} popular prompts and {s.UniqueShare:P0} first-time prompts; time to live {s.TimeToLive.TotalSeconds:0} s; healthy origin {s.OriginMin.TotalMilliseconds:0}-{s.OriginMax.TotalMilliseconds:0} ms; fail-safe (where on) kept {s.FailSafeMaxDuration.TotalHours:0.#} h, throttle {s.FailSafeThrottleDuration.TotalSeconds:0} s.");
        text.AppendLine();
        Header(text, "contender", "requests", "errors (before / during / after the outage)", "stale answers (before / during / after)", "origin calls (all / during the outage)", "fresh hit rate", "answered: p50 / p99", "errors: p50 / p99");
        foreach (var (name, nodes) in results)
        {
            int Sum(Func<OutageNodeResult, int> of) => nodes.Sum(of);
            int Count(OutagePhase? phase, OutageAnswer answer) => Sum(n => Enum.GetValues<OutagePhase>().Where(p => phase is null || p == phase).Sum(p => n.Count(p, answer)));
            var requests = Enum.GetValues<OutageAnswer>().Sum(a => Count(null, a));
            string Phases(OutageAnswer answer) => string.Join(" / ", Enum.GetValues<OutagePhase>().Select(p => Count(p, answer).ToString("N0", CultureInfo.InvariantCulture)));
            string Percentiles(Func<OutageNodeResult, double[]> of)
            {
                var sorted = nodes.SelectMany(of).Order().ToArray();
                return sorted.Length == 0 ? "-" : $"{ComparisonReport.Millis(ComparisonBenchmark.Percentile(sorted, 50))} / {ComparisonReport.Millis(ComparisonBenchmark.Percentile(sorted, 99))}";
            }

            Line($"| {name} | {requests:N0} | {Count(null, OutageAnswer.Error):N0} ({Phases(OutageAnswer.Error)}) | {Phases(OutageAnswer.Stale)} | {Sum(n => n.OriginCalls.Sum()):N0} / {Sum(n => n.OriginCalls[(int)OutagePhase.Outage]):N0} | {(double)Count(null, OutageAnswer.Hit) / requests:P1} | {Percentiles(n => n.SuccessMicros)} | {Percentiles(n => n.ErrorMicros)} |");
        }

        text.AppendLine();
        text.AppendLine("During the outage: which requests got an error, and what the dead origin was asked. A popular prompt counts as answered before the outage when the origin answered it (and the cache stored it) on either app server before the outage began:");
        text.AppendLine();
        Header(text, "contender", "requests", "errors: first-time prompts", "errors: popular, never answered before (prompts)", "errors: popular, answered before (prompts)", "origin calls: first-time prompts", "origin calls: popular, never answered before (prompts)", "origin calls: popular, answered before (prompts, most for one)");
        foreach (var (name, nodes) in results)
        {
            var answeredBefore = nodes.SelectMany(n => n.AnsweredBeforeOutage).ToHashSet(StringComparer.Ordinal);
            string Split(IEnumerable<Dictionary<string, int>> counts, bool before, bool most = false)
            {
                var these = Merge(counts).Where(c => answeredBefore.Contains(c.Key) == before).Select(c => c.Value).ToList();
                return Invariant($"{these.Sum():N0} ({these.Count:N0}{(most ? Invariant($", {(these.Count == 0 ? 0 : these.Max()):N0}") : "")})");
            }

            var requests = nodes.Sum(n => n.Answers[(int)OutagePhase.Outage].Sum());
            var (errors, calls) = (nodes.Select(n => n.OutageErrors), nodes.Select(n => n.OutageOriginCalls));
            Line($"| {name} | {requests:N0} | {nodes.Sum(n => n.OutageErrorsFirstTime):N0} | {Split(errors, before: false)} | {Split(errors, before: true)} | {nodes.Sum(n => n.OutageOriginCallsFirstTime):N0} | {Split(calls, before: false)} | {Split(calls, before: true, most: true)} |");
        }

        var popular = results.Select(r => r.Nodes.SelectMany(n => n.AnsweredBeforeOutage).Distinct(StringComparer.Ordinal).Count());
        text.AppendLine();
        Line($"Popular prompts answered before the outage, per contender: {string.Join(", ", popular.Select(p => p.ToString("N0", CultureInfo.InvariantCulture)))} of {s.Keys:N0}.");
        return text.ToString();
    }

    /// <summary>The machine's 1-, 5- and 15-minute load averages, from <c>/proc/loadavg</c>.</summary>
    public static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static Dictionary<string, int> Merge(IEnumerable<Dictionary<string, int>> counts) =>
        counts.SelectMany(c => c).GroupBy(c => c.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);

    private static void Header(StringBuilder text, params string[] columns)
    {
        text.AppendLine("| " + string.Join(" | ", columns) + " |");
        text.AppendLine(string.Concat(Enumerable.Repeat("|---", columns.Length)) + "|");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
