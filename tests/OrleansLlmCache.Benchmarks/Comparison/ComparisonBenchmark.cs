using System.Diagnostics;
using System.Globalization;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The contenders side by side in one run on one machine. Each contender gets two app-server processes of
/// its own (<see cref="NodeProcess"/>) against one real redis-server and PostgreSQL, or against a silo cluster of one
/// or three processes; then exact hits, mixed traffic with a slow origin, a stampede, a tag invalidation and a cold start.
/// </summary>
internal static class ComparisonBenchmark
{
    private static readonly (string Name, string Kind)[] Peers =
    [
        ("article's Redis-backed design (memory + Redis + PostgreSQL)", "article"),
        ("FusionCache (memory + Redis L2 + backplane + locker)", "fusion"),
        ("HybridCache (memory + Redis L2)", "hybrid"),
    ];

    /// <summary>Runs the comparison and returns the report (markdown).</summary>
    public static async Task<string> RunAsync(ComparisonSettings settings)
    {
        var run = Stopwatch.StartNew();
        await using var children = new OwnedChildren();
        var redis = children.Own(await LocalRedis.StartAsync());
        // Sized for every contender at once: two app-server nodes of the article's design with 50 connections each, plus
        // the silos' pools (PostgreSQL's default of 100 would refuse the second node's stampede).
        var postgres = children.Own(await LocalPostgres.StartAsync(maxConnections: 300));
        var articleDatabase = await postgres.CreateDatabaseAsync();
        await ArticleDesignNode.CreateSchemaAsync(articleDatabase);
        var results = new List<ContenderResult>();
        // LLMCACHE_COMPARE_ONLY=article,orleans-l1 runs only those kinds (while working on one of them; the report then
        // leaves out the ratios it cannot compute).
        var only = Environment.GetEnvironmentVariable("LLMCACHE_COMPARE_ONLY")?.Split(',');
        bool Wanted(string kind) => only is null || only.Contains(kind);
        foreach (var (name, kind) in Peers.Where(p => Wanted(p.Kind)))
        {
            results.Add(await MeasureAsync(new ContenderResult(name, kind), redis.ConnectionString, articleDatabase, "-", settings));
        }

        // Started only now, so that the peers' cells run without it; it idles beside the Orleans contenders' cells.
        var pairedArticle = Wanted("article") && Wanted("orleans-l1") ? children.Own(await PairedArticleDesign.StartAsync(redis.ConnectionString, articleDatabase, settings)) : null;
        foreach (var siloCount in new[] { 1, 3 }.Where(_ => Wanted("orleans-l1") || Wanted("orleans-nol1")))
        {
            var clusterId = $"cmp{siloCount}-" + Guid.NewGuid().ToString("N")[..6];
            // The production shape: Redis membership, PostgreSQL grain storage.
            var silos = await SiloCluster.StartAsync(siloCount, clusterId, redis.ConnectionString, await postgres.CreateDatabaseAsync(), children.Own);
            try
            {
                var silosText = siloCount == 1 ? "1 silo" : $"{siloCount} silos";
                foreach (var (l1, kind) in new[] { ("on", "orleans-l1"), ("off", "orleans-nol1") }.Where(c => Wanted(c.Item2)))
                {
                    results.Add(await MeasureAsync(new ContenderResult($"OrleansLlmCache ({silosText}, L1 {l1})", kind), redis.ConnectionString, "-", clusterId, settings, kind == "orleans-l1" ? pairedArticle : null));
                }
            }
            finally
            {
                foreach (var silo in silos)
                {
                    await silo.DisposeAsync();
                }
            }
        }

        return ComparisonReport.Write(results, settings, run.Elapsed);
    }

    private static async Task<ContenderResult> MeasureAsync(ContenderResult result, string redis, string postgres, string clusterId, ComparisonSettings settings, PairedArticleDesign? pairedArticle = null)
    {
        Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {result.Name}");
        var run = result.Kind + "-" + Guid.NewGuid().ToString("N")[..6];
        var originMs = ((int)settings.OriginLatency.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        await using var a = await NodeProcess.StartAsync(result.Kind, redis, postgres, clusterId);
        await using var b = await NodeProcess.StartAsync(result.Kind, redis, postgres, clusterId);
        if (result.Kind == "orleans-l1")
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // first invalidation subscription, after which L1 is trusted
        }

        // Exact hits on B of entries A stored (B reads them once first, as an app server that served them before).
        foreach (var size in settings.PayloadSizes)
        {
            var prefix = $"{run}-h{size}";
            await a.SendAsync($"fill {prefix} {settings.HitEntries} {size} {run}-hits");
            await ExpectAsync(b, $"read {prefix} {settings.HitEntries}", settings.HitEntries);

            // The writes may have left background work (an Orleans cluster registers tag memberships and saves them
            // after the call returned): the hit cells start once the machine is idle again, for every contender.
            var waited = await QuietMachine.WaitAsync();
            Console.Error.WriteLine(Invariant($"{DateTime.UtcNow:HH:mm:ss} {result.Name}: {size / 1024} KiB entries stored; machine idle after {waited.TotalSeconds:0.0} s"));
            if (size == settings.PayloadSizes[0])
            {
                // Thrown away: lets tiered JIT compile the hit path, which a fresh process would otherwise do (and
                // charge its CPU to) during the first cell.
                await b.SendAsync(Invariant($"hits {prefix} {settings.HitEntries} 1 {2 * settings.HitSeconds}"));
            }

            foreach (var callers in settings.Callers)
            {
                var runs = new List<double[]>();
                for (var repetition = 0; repetition < settings.HitRepetitions; repetition++)
                {
                    runs.Add(Numbers(await b.SendAsync(Invariant($"hits {prefix} {settings.HitEntries} {callers} {settings.HitSeconds}"))));
                }

                // The run with the median throughput, whole (its latencies and costs belong together).
                var figures = runs.OrderBy(r => r[2]).ElementAt(runs.Count / 2);
                result.Hits[(size, callers)] = (figures[0], figures[1], figures[2], figures[3], figures[4], (int)figures[5], figures[6], figures[7]);
                if (pairedArticle is not null)
                {
                    result.Paired[(size, callers)] = await MeasurePairsAsync(b, prefix, pairedArticle, size, callers, settings);
                }
            }
        }

        // Stampede: one missing key, half the requests from each process, at the same moment.
        var half = settings.StampedeRequests / 2;
        var watch = Stopwatch.StartNew();
        var stampede = await Task.WhenAll(a.SendAsync($"stampede {run}-stampede {half} {originMs} {run}-s"), b.SendAsync($"stampede {run}-stampede {half} {originMs} {run}-s"));
        result.Stampede = (stampede.Sum(r => int.Parse(r[0], CultureInfo.InvariantCulture)), watch.Elapsed);

        // Mixed traffic: each process replays its own Zipf stream (shared popular prompts, own first-time prompts).
        var requests = settings.MixedRequests / 2;
        watch.Restart();
        var mixed = await Task.WhenAll(new[] { a, b }.Select((node, i) => node.SendAsync(Invariant(
            $"mixed {run}-m {requests} {settings.MixedCallersPerNode} {originMs} {settings.MixedKeys} {settings.MixedUniqueShare} {i + 1}"))));
        var latencies = mixed.SelectMany(r => r[1].Split(',')).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).Order().ToArray();
        result.Mixed = (latencies.Length, mixed.Sum(r => int.Parse(r[0], CultureInfo.InvariantCulture)), Percentile(latencies, 50), Percentile(latencies, 99), watch.Elapsed);

        // Invalidation: A stores the tagged entries, B reads them all; A invalidates the tag; then both read every
        // entry until neither serves any (every entry found is a stale read).
        var tagPrefix = $"{run}-i";
        await a.SendAsync($"fill {tagPrefix} {settings.TagEntries} 1024 {run}-inv");
        await ExpectAsync(b, $"read {tagPrefix} {settings.TagEntries}", settings.TagEntries);
        watch.Restart();
        var returned = TimeSpan.FromMilliseconds(Numbers(await a.SendAsync($"invalidate {run}-inv"))[0]);
        int? firstPass = null;
        TimeSpan? clean = null;
        while (watch.Elapsed < settings.StaleWindow)
        {
            var reads = await Task.WhenAll(a.SendAsync($"read {tagPrefix} {settings.TagEntries}"), b.SendAsync($"read {tagPrefix} {settings.TagEntries}"));
            var stale = reads.Sum(r => int.Parse(r[0], CultureInfo.InvariantCulture));
            firstPass ??= stale;
            if (stale == 0)
            {
                clean = watch.Elapsed;
                break;
            }

            await Task.Delay(50);
        }

        result.Invalidation = (returned, firstPass ?? -1, 2 * settings.TagEntries, clean);

        // Cold start: a fresh app-server process, from Process.Start to its first hit on an entry A stored.
        await using (var cold = await NodeProcess.StartAsync(result.Kind, redis, postgres, clusterId))
        {
            var first = await cold.SendAsync($"get {run}-h1024-k0");
            result.ColdStart = (cold.StartedToReady, Stopwatch.GetElapsedTime(cold.StartTimestamp), first[0] == "hit");
        }

        Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {result.Name}: done");
        return result;
    }

    // The cell measured alternately on the Redis-backed design's app server and on this one, back to back; which goes first alternates
    // from pair to pair, so that a drift of the machine within a pair does not always favour the same side.
    private static async Task<List<(double Throughput, double Cpu)>> MeasurePairsAsync(NodeProcess node, string prefix, PairedArticleDesign article, int size, int callers, ComparisonSettings settings)
    {
        var pairs = new List<(double Throughput, double Cpu)>();
        for (var pair = 0; pair < settings.HitRepetitions; pair++)
        {
            async Task<double[]> HitsAsync(NodeProcess on, string keys) =>
                Numbers(await on.SendAsync(Invariant($"hits {keys} {settings.HitEntries} {callers} {settings.HitSeconds}")));

            double[] ours, theirs;
            if (pair % 2 == 0)
            {
                theirs = await HitsAsync(article.Reader, article.Prefix(size));
                ours = await HitsAsync(node, prefix);
            }
            else
            {
                ours = await HitsAsync(node, prefix);
                theirs = await HitsAsync(article.Reader, article.Prefix(size));
            }

            pairs.Add((ours[2] / theirs[2], ours[6] / theirs[6]));
        }

        return pairs;
    }

    internal static async Task ExpectAsync(NodeProcess node, string readCommand, int expected)
    {
        var found = int.Parse((await node.SendAsync(readCommand))[0], CultureInfo.InvariantCulture);
        if (found != expected)
        {
            throw new InvalidOperationException($"'{readCommand}' found {found} entries, expected {expected}: the other node's writes did not arrive.");
        }
    }

    private static double[] Numbers(string[] words) => [.. words.Select(w => double.Parse(w, CultureInfo.InvariantCulture))];

    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
