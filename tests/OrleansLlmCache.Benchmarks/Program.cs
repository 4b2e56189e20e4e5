using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OrleansLlmCache.Benchmarks;

// Usage: dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- exact-hits [seconds] [keys] [access]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- semantic [queries] [sizes]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- invalidation 0 [largest tag size]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- compare [origin latency s] [tag entries] [file|-] [s per hit cell] [mixed requests]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- l1-hit   (BenchmarkDotNet, in process)
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- hit-scaling [seconds per row]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- read-retry   (BenchmarkDotNet, in process)
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- access-check   (BenchmarkDotNet, in process)
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- semantic-decision   (BenchmarkDotNet, in process)
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- overwrites [seconds per row] [writers] [memory|postgresql]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- invalidation-reach [rounds] [process counts]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- gateway [seconds per row]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- fail-safe [outage s] [healthy s before and after] [time to live s]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- eager-refresh [seconds per row]
//        dotnet run -c Release --project tests/OrleansLlmCache.Benchmarks -- tls-hits [seconds per row] [keys] [rounds]
var scenario = args.FirstOrDefault() ?? "exact-hits";
if (scenario == "node")
{
    // Started by compare itself: one app server of one contender, driven over stdin/stdout.
    return await OrleansLlmCache.Benchmarks.Comparison.NodeServer.RunAsync(args);
}

if (scenario == "l1-hit")
{
    // In process: the benchmark starts a silo and a client in its set-up, which BenchmarkDotNet's generated
    // out-of-process project could not reference as simply.
    // Further arguments go to BenchmarkDotNet (for example --filter '*GetOrCreate*').
    var summary = BenchmarkRunner.Run<L1HitBenchmark>(
        DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)), args[1..]);
    return summary.HasCriticalValidationErrors ? 1 : 0;
}

if (scenario == "access-check")
{
    // In process, like l1-hit: two silos (one enforcing tenant access) and three clients in the set-up.
    var summary = BenchmarkRunner.Run<AccessCheckBenchmark>(
        DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)), args[1..]);
    return summary.HasCriticalValidationErrors ? 1 : 0;
}

if (scenario == "semantic-decision")
{
    var summary = BenchmarkRunner.Run<SemanticDecisionBenchmark>(
        DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)), args[1..]);
    return summary.HasCriticalValidationErrors ? 1 : 0;
}

if (scenario == "read-retry")
{
    var summary = BenchmarkRunner.Run<ReadRetryBenchmark>(
        DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)), args[1..]);
    return summary.HasCriticalValidationErrors ? 1 : 0;
}

var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
// A list (semantic sizes, invalidation-reach process counts) is read by its scenario instead.
var keys = args.Length > 2 && int.TryParse(args[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : 1000;

switch (scenario)
{
    case "exact-hits":
        // "access": the silos enforce tenant access and the client presents its key (the cost of the check).
        var access = args.Length > 3 && args[3] == "access";
        var results = await ExactHitBenchmark.RunAsync(TimeSpan.FromSeconds(seconds), keys, access);
        Console.WriteLine($"Exact hits, {keys} keys, {seconds} s per row, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}{(access ? ", tenant access enforced" : "")}");
        Console.WriteLine();
        Console.WriteLine("| what | payload | callers | p50 | p99 | ops/s | client CPU/op | server CPU/op |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var result in results)
        {
            Console.WriteLine(result.ToMarkdownRow());
        }

        foreach (var group in results.GroupBy(r => (r.PayloadBytes, r.Callers)))
        {
            var redis = group.First(r => r.Name.StartsWith("StackExchange", StringComparison.Ordinal));
            var cache = group.First(r => r.Name.StartsWith("OrleansLlmCache", StringComparison.Ordinal));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key.PayloadBytes / 1024} KiB, {group.Key.Callers} callers: p50 ratio cache/redis {cache.Percentile(50) / redis.Percentile(50):0.00}x, throughput ratio {cache.Throughput / redis.Throughput:0.00}x"));
        }

        return 0;
    case "tls-hits":
        await TlsHitBenchmark.RunAsync(TimeSpan.FromSeconds(seconds), keys, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3);
        return 0;
    case "gateway":
        await GatewayBenchmark.RunAsync(TimeSpan.FromSeconds(args.Length > 1 ? seconds : 3));
        return 0;
    case "eager-refresh":
        await EagerRefreshBenchmark.RunAsync(TimeSpan.FromSeconds(args.Length > 1 ? seconds : 10));
        return 0;
    case "hit-scaling":
        await HitScalingBenchmark.RunAsync(TimeSpan.FromSeconds(args.Length > 1 ? seconds : 3));
        return 0;
    case "invalidation":
        // Usage: ... -- invalidation [ignored] [largest size]
        await InvalidationBenchmark.RunAsync(keys >= 100_000 ? [10_000, 100_000] : [keys]);
        return 0;
    case "compare":
        // Usage: ... -- compare [origin latency s] [tag entries] [markdown file or -] [seconds per exact-hit cell] [mixed requests]
        // With a file, the text between <!-- compare:begin --> and <!-- compare:end --> is replaced by this run's report.
        var settings = new OrleansLlmCache.Benchmarks.Comparison.ComparisonSettings(
            TimeSpan.FromSeconds(args.Length > 1 ? seconds : 2),
            args.Length > 2 ? keys : 10_000,
            args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 2,
            args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 3000);
        var report = await OrleansLlmCache.Benchmarks.Comparison.ComparisonBenchmark.RunAsync(settings);
        Console.WriteLine(report);
        if (args.Length > 3 && args[3] != "-")
        {
            var text = await File.ReadAllTextAsync(args[3]);
            // Markers count only alone on their line, so that prose quoting them is never mistaken for one.
            const string Begin = "\n<!-- compare:begin -->\n";
            const string End = "\n<!-- compare:end -->\n";
            var (from, to) = (text.IndexOf(Begin, StringComparison.Ordinal), text.IndexOf(End, StringComparison.Ordinal));
            if (from < 0 || to < from)
            {
                Console.Error.WriteLine($"{args[3]} has no section between <!-- compare:begin --> and <!-- compare:end --> lines to replace.");
                return 2;
            }

            await File.WriteAllTextAsync(args[3], text[..(from + Begin.Length)] + "\n" + report + text[(to + 1)..]);
            Console.WriteLine($"Updated {args[3]}.");
        }

        return 0;
    case "overwrites":
        // Usage: ... -- overwrites [seconds per row, 10] [writers, 64] [memory|postgresql, memory]   (1 silo, then 3)
        var storage = args.Length > 3 ? args[3] : "memory";
        if (storage is not ("memory" or "postgresql"))
        {
            Console.Error.WriteLine($"Unknown storage '{storage}': use memory or postgresql.");
            return 2;
        }

        await OverwriteBenchmark.RunAsync(TimeSpan.FromSeconds(args.Length > 1 ? seconds : 10), args.Length > 2 ? keys : 64, storage == "postgresql");
        return 0;
    case "invalidation-reach":
        // Usage: ... -- invalidation-reach [rounds, 10] [app-server process counts, comma-separated, 1,4,16]
        var counts = (args.Length > 2 ? args[2] : "1,4,16").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        await InvalidationReachBenchmark.RunAsync(args.Length > 1 ? (int)seconds : 10, counts);
        return 0;
    case "fail-safe":
        // Usage: ... -- fail-safe [outage seconds, 30] [healthy seconds before and after it, 30] [time to live seconds, 10]
        var failSafe = new OrleansLlmCache.Benchmarks.Comparison.FailSafeSettings();
        TimeSpan Seconds(int index, TimeSpan otherwise) =>
            args.Length > index ? TimeSpan.FromSeconds(double.Parse(args[index], CultureInfo.InvariantCulture)) : otherwise;
        var healthy = Seconds(2, failSafe.Healthy);
        failSafe = failSafe with { Outage = Seconds(1, failSafe.Outage), Healthy = healthy, After = healthy, TimeToLive = Seconds(3, failSafe.TimeToLive) };
        Console.WriteLine(await OrleansLlmCache.Benchmarks.Comparison.FailSafeBenchmark.RunAsync(failSafe));
        return 0;
    case "semantic":
        // Usage: ... -- semantic [queries] [sizes, comma-separated]   e.g. semantic 200 10000,100000,1000000
        var queries = args.Length > 1 ? (int)seconds : 200;
        var sizes = (args.Length > 2 ? args[2] : "10000,100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        await SemanticBenchmark.RunAsync(sizes, queries, Console.Out);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}'. Scenarios: exact-hits, invalidation, invalidation-reach, overwrites, compare, fail-safe, semantic, l1-hit, read-retry, access-check, hit-scaling, gateway, eager-refresh, tls-hits.");
        return 2;
}
