using System.Globalization;
using System.Text;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>Turns one run's results into the markdown tables of docs/benchmarks.md, ratios and goals computed, never typed.</summary>
internal static class ComparisonReport
{
    public static string Write(IReadOnlyList<ContenderResult> results, ComparisonSettings settings, TimeSpan took)
    {
        var text = new StringBuilder();
        var cells = settings.PayloadSizes.SelectMany(size => settings.Callers.Select(callers => (size, callers))).ToArray();
        string CellName((int Size, int Callers) cell) => $"{cell.Size / 1024} KiB, {cell.Callers} caller{(cell.Callers == 1 ? "" : "s")}";
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        void Header(string first, IEnumerable<string> columns)
        {
            var all = columns.Prepend(first).ToList();
            text.AppendLine("| " + string.Join(" | ", all) + " |");
            text.AppendLine(string.Concat(Enumerable.Repeat("|---", all.Count)) + "|");
        }

        Line($"Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {took.TotalMinutes:0.0} min in all. Origin latency {settings.OriginLatency.TotalSeconds:0.###} s; {settings.HitEntries:N0} entries per payload size, {settings.HitSeconds:0.###} s per exact-hit cell (the median-throughput one of {settings.HitRepetitions} runs); mixed traffic {settings.MixedRequests:N0} requests ({settings.MixedCallersPerNode} callers on each of 2 processes, Zipf over {settings.MixedKeys} prompts, {settings.MixedUniqueShare:P0} first-time prompts); stampede {settings.StampedeRequests:N0} requests; tag of {settings.TagEntries:N0} entries.");
        text.AppendLine();
        text.AppendLine("Exact hits on the second app server (p50 / p99, hits per second; where only part of the hits came from process memory, the share that went over the network):");
        text.AppendLine();
        Header("contender", cells.Select(CellName));
        foreach (var result in results)
        {
            text.AppendLine($"| {result.Name} | " + string.Join(" | ", cells.Select(cell =>
            {
                var (p50, p99, throughput, remote, _, _, _, _) = result.Hits[cell];
                var network = remote is > 0.00005 and < 0.995 ? $" ({remote.ToString(remote < 0.01 ? "P2" : "P0", CultureInfo.InvariantCulture)} from the network)" : "";
                return $"{Micros(p50)} / {Micros(p99)}, {throughput.ToString("N0", CultureInfo.InvariantCulture)}/s{network}";
            })) + " |");
        }

        text.AppendLine();
        text.AppendLine("What one exact hit cost the app-server process: CPU time (all its threads, divided by the hits), allocated bytes, and its gen-0 collections during the measurement; and how many of the machine's cores every other process (the contender's servers, the other app server, the harness) kept busy meanwhile:");
        text.AppendLine();
        Header("contender", cells.Select(CellName));
        foreach (var result in results)
        {
            text.AppendLine($"| {result.Name} | " + string.Join(" | ", cells.Select(cell => Invariant($"{Nanos(result.Hits[cell].CpuNanos)} CPU, {result.Hits[cell].Bytes:N0} B, {result.Hits[cell].Collections:N0} GCs, others {result.Hits[cell].OtherCores:0.00} cores"))) + " |");
        }

        text.AppendLine();
        text.AppendLine("Mixed traffic, stampede, invalidation and cold start (two app-server processes per contender):");
        text.AppendLine();
        Header("contender", [
            "mixed: requests without an origin call", "mixed: origin calls", "mixed: p50", "mixed: p99",
            $"stampede: origin calls for {settings.StampedeRequests:N0} concurrent misses", "invalidation call returned after",
            "stale reads right after (both processes, every entry)", "no process serves any after", "cold start: process start to first hit"]);
        foreach (var result in results)
        {
            var mixed = result.Mixed;
            var invalidation = result.Invalidation;
            Line($"| {result.Name} | {1 - ((double)mixed.OriginCalls / mixed.Requests):P1} | {mixed.OriginCalls:N0} of {mixed.Requests:N0} | {Millis(mixed.P50)} | {Millis(mixed.P99)} | {result.Stampede.OriginCalls:N0} | {invalidation.Returned.TotalMilliseconds:N0} ms | {invalidation.StaleFirstPass:N0} of {invalidation.Reads:N0} | {(invalidation.Clean is { } clean ? $"{clean.TotalMilliseconds:N0} ms" : $"not within {settings.StaleWindow.TotalSeconds:0} s")} | {result.ColdStart.ToFirstHit.TotalMilliseconds:N0} ms (ready after {result.ColdStart.ToReady.TotalMilliseconds:N0} ms){(result.ColdStart.Hit ? "" : ", a miss")} |");
        }

        // A run of only some contenders (LLMCACHE_COMPARE_ONLY) gets the ratios and goals its contenders allow.
        if (results.FirstOrDefault(r => r.Kind == "article") is not { } article)
        {
            return text.ToString();
        }

        var fusion = results.FirstOrDefault(r => r.Kind == "fusion");
        text.AppendLine();
        text.AppendLine(fusion is null
            ? "Ratios of exact hits: throughput and CPU time per hit relative to the Redis-backed design (throughput above 1: more hits per second; CPU above 1: more CPU per hit):"
            : "Ratios of exact hits: throughput and CPU time per hit relative to the Redis-backed design (throughput above 1: more hits per second; CPU above 1: more CPU per hit), p50 relative to FusionCache (below 1: faster):");
        text.AppendLine();
        var ratios = new List<(string, Func<ContenderResult, (int, int), double>)>
        {
            ("throughput / article's", (r, c) => r.Hits[c].Throughput / article.Hits[c].Throughput),
            ("CPU per hit / article's", (r, c) => r.Hits[c].CpuNanos / article.Hits[c].CpuNanos),
        };
        if (fusion is not null)
        {
            ratios.Add(("p50 / FusionCache", (r, c) => r.Hits[c].P50 / fusion.Hits[c].P50));
        }

        foreach (var (what, ratio) in ratios)
        {
            Header(what, cells.Select(CellName));
            foreach (var result in results)
            {
                text.AppendLine($"| {result.Name} | " + string.Join(" | ", cells.Select(c => Ratio(ratio(result, c)))) + " |");
            }

            text.AppendLine();
        }

        var paired = results.Where(r => r.Paired.Count == cells.Length).ToList();
        if (paired.Count > 0)
        {
            text.AppendLine(Invariant($"Exact hits paired with the Redis-backed design: each L1 cell measured {settings.HitRepetitions} more times alternately on the Redis-backed design's app server and on this one, back to back, this contender's silos running beside both; this contender's throughput and CPU per hit over the Redis-backed design's in the same pair, the median pair and the range:"));
            text.AppendLine();
            Header("paired with the article's design", cells.Select(CellName));
            foreach (var result in paired)
            {
                text.AppendLine($"| {result.Name} | " + string.Join(" | ", cells.Select(c =>
                {
                    var throughput = Sorted(result.Paired[c], p => p.Throughput);
                    return $"{Ratio(Median(throughput))} ({Ratio(throughput[0])}-{Ratio(throughput[^1])}), CPU {Ratio(Median(Sorted(result.Paired[c], p => p.Cpu)))}";
                })) + " |");
            }

            text.AppendLine();
        }

        text.AppendLine("Goals (computed from the tables above):");
        text.AppendLine();
        foreach (var result in results.Where(r => r.Kind.StartsWith("orleans", StringComparison.Ordinal)))
        {
            var faster = cells.Count(c => result.Hits[c].Throughput >= article.Hits[c].Throughput);
            var cheaper = cells.Count(c => result.Hits[c].CpuNanos <= article.Hits[c].CpuNanos);
            var line = $"- {result.Name}: stale reads {result.Invalidation.StaleFirstPass} (goal 0); stampede origin calls {result.Stampede.OriginCalls} (goal 1); exact-hit throughput at least the Redis-backed design's in {faster} of {cells.Length} cells (CPU per hit at most the Redis-backed design's in {cheaper})";
            if (result.Kind == "orleans-l1" && fusion is not null)
            {
                var within = cells.Count(c => result.Hits[c].P50 <= 2 * fusion.Hits[c].P50);
                line += $"; p50 within 2x of FusionCache's memory hit in {within} of {cells.Length} cells";
            }

            if (result.Paired.Count == cells.Length)
            {
                var pairedFaster = cells.Count(c => Median(Sorted(result.Paired[c], p => p.Throughput)) >= 1);
                var pairedCheaper = cells.Count(c => Median(Sorted(result.Paired[c], p => p.Cpu)) <= 1);
                line += $"; paired with the Redis-backed design cell by cell, throughput at least the Redis-backed design's in {pairedFaster} of {cells.Length} cells (CPU per hit at most the Redis-backed design's in {pairedCheaper})";
            }

            text.AppendLine(line + ".");
        }

        return text.ToString();
    }

    private static double[] Sorted(List<(double Throughput, double Cpu)> pairs, Func<(double Throughput, double Cpu), double> ratio) =>
        [.. pairs.Select(ratio).Order()];

    private static double Median(double[] sorted) => sorted.Length % 2 == 1
        ? sorted[sorted.Length / 2]
        : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Ratio(double ratio) => ratio.ToString(ratio < 10 ? "0.00" : "0", CultureInfo.InvariantCulture) + "x";

    private static string Nanos(double nanos) => nanos < 10_000
        ? nanos.ToString("N0", CultureInfo.InvariantCulture) + " ns"
        : (nanos / 1000).ToString("N0", CultureInfo.InvariantCulture) + " µs";

    private static string Micros(double micros) => micros switch
    {
        < 1 => micros.ToString("0.00", CultureInfo.InvariantCulture) + " µs",
        < 10 => micros.ToString("0.0", CultureInfo.InvariantCulture) + " µs",
        _ => micros.ToString("N0", CultureInfo.InvariantCulture) + " µs",
    };

    internal static string Millis(double micros) => micros switch
    {
        < 1000 => Micros(micros),
        < 10_000 => (micros / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " ms",
        _ => (micros / 1000).ToString("N0", CultureInfo.InvariantCulture) + " ms",
    };
}
