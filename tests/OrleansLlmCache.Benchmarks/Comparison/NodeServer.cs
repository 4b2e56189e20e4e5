using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The app-server side of the comparison: this program re-launched as <c>node KIND REDIS POSTGRES CLUSTER [SETUP]</c>
/// (SETUP: a <see cref="CacheEntrySetup"/>'s arguments, for the FusionCache and OrleansLlmCache kinds) holds one
/// contender's cache in its own process and runs one command a line from stdin, answering one line on stdout that
/// starts with <c>@@</c> (anything else on stdout is a library talking and is ignored by the harness).
/// </summary>
internal static class NodeServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (kind, redis, postgres, clusterId) = (args[1], args[2], args[3], args[4]);
        await using var node = await CreateAsync(kind, redis, postgres, clusterId, CacheEntrySetup.Parse(args[5..]));
        var watches = new Dictionary<string, DropWatch>(StringComparer.Ordinal);
        Reply("ready");
        while (await Console.In.ReadLineAsync() is { } line && line != "quit")
        {
            try
            {
                Reply(await ExecuteAsync(node, watches, line.Split(' ')));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Reply("error " + ex.GetType().Name + ": " + ex.Message.ReplaceLineEndings(" "));
            }
        }

        return 0;
    }

    private static async Task<ICacheNode> CreateAsync(string kind, string redis, string postgres, string clusterId, CacheEntrySetup setup) => kind switch
    {
        "article" => await ArticleDesignNode.CreateAsync(redis, postgres),
        "fusion" => FusionCacheNode.Create(redis, setup),
        "hybrid" => HybridCacheNode.Create(redis),
        "orleans-l1" => await OrleansNode.CreateAsync(redis, clusterId, l1: true, setup),
        "orleans-nol1" => await OrleansNode.CreateAsync(redis, clusterId, l1: false, setup),
        _ => throw new ArgumentException($"Unknown contender kind '{kind}'.", nameof(kind)),
    };

    private static void Reply(string text) => Console.Out.WriteLine("@@ " + text);

    private static async Task<string> ExecuteAsync(ICacheNode node, Dictionary<string, DropWatch> watches, string[] command)
    {
        int Int(int index) => int.Parse(command[index], CultureInfo.InvariantCulture);
        var watch = Stopwatch.StartNew();
        switch (command[0])
        {
            case "fill":
                // fill PREFIX COUNT BYTES TAG: entry i of PREFIX gets answer i, unless the cache already has it.
                var bytes = Int(3);
                await ForEachAsync(Int(2), i => node.GetOrCreateAsync($"{command[1]}-k{i}", command[4], _ => Task.FromResult(LlmResponseText.Create(bytes, i))).AsTask());
                return Invariant($"ok {watch.ElapsedMilliseconds}");
            case "read":
                // read PREFIX COUNT: how many of the entries this process serves.
                var hits = 0;
                await ForEachAsync(Int(2), async i =>
                {
                    if (await node.GetAsync($"{command[1]}-k{i}") is not null)
                    {
                        Interlocked.Increment(ref hits);
                    }
                });
                return Invariant($"ok {hits} {watch.ElapsedMilliseconds}");
            case "hits":
                // hits PREFIX COUNT CALLERS SECONDS: exact hits over the entries, every one must hit. Also counts the
                // calls that did not complete synchronously: those left the process (network layer), the rest were
                // answered from process memory.
                var (prefix, count, callers) = (command[1], Int(2), Int(3));
                var seconds = double.Parse(command[4], CultureInfo.InvariantCulture);
                var remote = 0;

                // The key strings exist before the clock starts, as an app's would (hashed from the request once):
                // formatting one per hit cost more than the fastest caches' lookups and diluted their differences.
                var keys = Enumerable.Range(0, count).Select(i => $"{prefix}-k{i}").ToArray();
                async Task HitAsync(int i)
                {
                    var pending = node.GetAsync(keys[i % count]);
                    if (!pending.IsCompleted)
                    {
                        Interlocked.Increment(ref remote);
                    }

                    if (await pending is null)
                    {
                        throw new InvalidOperationException($"expected a hit for {keys[i % count]}");
                    }
                }

                await HitLoad.RunAsync(callers, TimeSpan.FromSeconds(Math.Min(1, seconds / 2)), HitAsync);
                remote = 0;
                var (p50, p99, throughput, bytesPerHit, collections, cpuNanos, otherCores) = await HitLoad.RunAsync(callers, TimeSpan.FromSeconds(seconds), HitAsync);
                return Invariant($"ok {p50:0.###} {p99:0.###} {throughput:0} {remote / Math.Max(1, throughput * seconds):0.####} {bytesPerHit:0} {collections} {cpuNanos:0.#} {otherCores:0.###}");
            case "stampede":
                // stampede KEY REQUESTS ORIGIN_MS TAG: concurrent requests for one missing key; origin calls made here.
                var calls = 0;
                var origin = TimeSpan.FromMilliseconds(Int(3));
                await Task.WhenAll(Enumerable.Range(0, Int(2)).Select(_ => Task.Run(async () => await node.GetOrCreateAsync(command[1], command[4], async ct =>
                {
                    Interlocked.Increment(ref calls);
                    await Task.Delay(origin, ct);
                    return LlmResponseText.Create(4096, 1);
                }))));
                return Invariant($"ok {calls} {watch.ElapsedMilliseconds}");
            case "mixed":
                return await MixedAsync(node, command);
            case "outage":
                // outage PREFIX SEED START SETTINGS: the fail-safe benchmark's timeline from the Stopwatch timestamp START
                // (FailSafeSettings as JSON, which has no spaces); answers an OutageNodeResult as JSON.
                var outage = await OutageLoad.RunAsync(node, command[1], Int(2), long.Parse(command[3], CultureInfo.InvariantCulture), JsonSerializer.Deserialize<FailSafeSettings>(command[4])!);
                // The serializer writes no white space outside strings; escaped inside them, the reply stays one word.
                return "ok " + JsonSerializer.Serialize(outage).Replace(" ", "\\u0020", StringComparison.Ordinal);
            case "invalidate":
                await node.InvalidateTagAsync(command[1]);
                return Invariant($"ok {watch.Elapsed.TotalMilliseconds:0.#}");
            case "watch":
                // watch KEY: once KEY is answered from this process's memory, watches for the moment it no longer is.
                watches[command[1]] = await DropWatch.StartAsync(node, command[1], TimeSpan.FromSeconds(30));
                return "ok";
            case "dropped":
                // dropped KEY: the Stopwatch timestamp (system-wide monotonic clock) at which the watched KEY was dropped.
                var dropped = await watches[command[1]].Dropped;
                watches.Remove(command[1]);
                return Invariant($"ok {dropped}");
            case "get":
                var value = await node.GetAsync(command[1]);
                return Invariant($"ok {(value is null ? "miss" : "hit")} {watch.Elapsed.TotalMilliseconds:0.###}");
            default:
                throw new ArgumentException($"Unknown command '{command[0]}'.");
        }
    }

    // mixed PREFIX REQUESTS CALLERS ORIGIN_MS KEYS UNIQUE_SHARE SEED: a Zipf request stream through GetOrCreate with a
    // slow origin; answers origin calls and every request's latency in microseconds.
    private static async Task<string> MixedAsync(ICacheNode node, string[] command)
    {
        var prefix = command[1];
        var stream = ZipfKeys.Create(
            int.Parse(command[2], CultureInfo.InvariantCulture),
            int.Parse(command[5], CultureInfo.InvariantCulture),
            1.0,
            double.Parse(command[6], CultureInfo.InvariantCulture),
            int.Parse(command[7], CultureInfo.InvariantCulture));
        var origin = TimeSpan.FromMilliseconds(int.Parse(command[4], CultureInfo.InvariantCulture));
        var latencies = new double[stream.Length];
        var next = -1;
        var calls = 0;
        var tag = prefix + "-mixed";
        await Task.WhenAll(Enumerable.Range(0, int.Parse(command[3], CultureInfo.InvariantCulture)).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < stream.Length; i = Interlocked.Increment(ref next))
            {
                var id = stream[i];
                var started = Stopwatch.GetTimestamp();
                await node.GetOrCreateAsync($"{prefix}-{id}", tag, async ct =>
                {
                    Interlocked.Increment(ref calls);
                    await Task.Delay(origin, ct);
                    var seed = StableHash(id);
                    return LlmResponseText.Create(LlmResponseText.SizeFor(seed), seed);
                });
                latencies[i] = (Stopwatch.GetTimestamp() - started) * 1e6 / Stopwatch.Frequency;
            }
        })));
        return Invariant($"ok {calls} {string.Join(',', latencies.Select(l => l.ToString("0.##", CultureInfo.InvariantCulture)))}");
    }

    // string.GetHashCode differs between processes; both nodes must build the same answer for the same prompt.
    internal static int StableHash(string text)
    {
        var hash = 2166136261;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & 0x7fffffff);
    }

    private static async Task ForEachAsync(int count, Func<int, Task> action) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) => await action(i));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
