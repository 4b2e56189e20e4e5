using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Grains.Semantic;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// Embedding latency and batched throughput of all-MiniLM-L6-v2 on ONNX Runtime; search latency of
/// one semantic scope (through its scope grain, fanning out to its shards) at 10k, 100k and 1M prompts, next to a plain
/// single-threaded float32 scan of the same vectors in the same process; memory per stored prompt.
/// </summary>
internal static class SemanticBenchmark
{
    private const int Dimensions = 384;

    public static async Task RunAsync(IReadOnlyList<int> sizes, int queries, TextWriter output)
    {
        output.WriteLine($"Semantic cache, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}, .NET {Environment.Version}");
        output.WriteLine();
        await EmbeddingAsync(output);
        await SearchAsync(sizes, queries, output);
    }

    private static async Task EmbeddingAsync(TextWriter output)
    {
        await using var embedder = new OnnxTextEmbedder();
        var counter = 0;
        string Next() => $"How do I reset the password of account {Interlocked.Increment(ref counter)}?"; // unique: never from the recent-text cache

        for (var i = 0; i < 20; i++)
        {
            await embedder.EmbedAsync(Next());
        }

        var single = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await embedder.EmbedAsync(Next());
            single.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        output.WriteLine("| embedding | p50 | p99 | texts/s |");
        output.WriteLine("|---|---|---|---|");
        output.WriteLine(Row("one short prompt, one caller", single, 1000 / Percentile(single, 50)));
        foreach (var callers in new[] { 16, 64 })
        {
            var latencies = new List<double>();
            var done = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
            {
                var mine = new List<double>();
                while (clock.Elapsed < TimeSpan.FromSeconds(5))
                {
                    var started = Stopwatch.GetTimestamp();
                    await embedder.EmbedAsync(Next());
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                lock (latencies)
                {
                    latencies.AddRange(mine);
                    done += mine.Count;
                }
            }));
            output.WriteLine(Row($"short prompts, {callers} concurrent callers (batched)", latencies, done / clock.Elapsed.TotalSeconds));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(model runs: {embedder.ModelRuns}, texts embedded: {embedder.TextsEmbedded})"));
        output.WriteLine();
    }

    private static async Task SearchAsync(IReadOnlyList<int> sizes, int queries, TextWriter output)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddOrleansLlmCacheGrains().UseInMemoryLlmCacheStorage());
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var shardSize = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SemanticIndexOptions>>().Value.MaxVectorsPerShard;

        output.WriteLine($"| prompts in the scope | shards | index search p50 | p99 | plain float32 scan p50 | p99 | memory per prompt |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            var random = new Random(size);
            var centres = Enumerable.Range(0, 1000).Select(_ => Unit(random)).ToArray();
            var plain = new float[(long)size * Dimensions];
            var scope = grains.GetGrain<ISemanticScopeGrain>(SemanticScope.Create("bench", "bench", "bench", size.ToString(CultureInfo.InvariantCulture)).ToGrainKey());

            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            const int batch = 2000;
            for (var offset = 0; offset < size; offset += batch)
            {
                var count = Math.Min(batch, size - offset);
                var items = new SemanticIndexItem[count];
                for (var i = 0; i < count; i++)
                {
                    var vector = Near(random, centres[random.Next(centres.Length)], 0.8f);
                    Array.Copy(vector, 0, plain, (long)(offset + i) * Dimensions, Dimensions);
                    items[i] = new SemanticIndexItem($"bench/bench/{offset + i:x16}", $"benchmark prompt number {offset + i}", vector, null);
                }

                await scope.AddAsync(items);
            }

            var after = GC.GetTotalMemory(forceFullCollection: true);
            var perPrompt = (after - before) / (double)size;

            var indexTimes = new List<double>();
            var plainTimes = new List<double>();
            for (var q = -5; q < queries; q++)
            {
                // A paraphrase-like query: near a stored prompt, so there are candidates above the threshold to rank.
                var target = random.Next(size);
                var query = Near(random, new ReadOnlySpan<float>(plain, target * Dimensions, Dimensions), 0.3f);
                var started = Stopwatch.GetTimestamp();
                var found = await scope.SearchAsync(query, 5, 0.85f);
                var indexMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                started = Stopwatch.GetTimestamp();
                var scanned = PlainScan(plain, size, query, 5, 0.85f);
                var plainMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (q >= 0)
                {
                    indexTimes.Add(indexMs);
                    plainTimes.Add(plainMs);
                }

                if (found.Count == 0 || scanned.Count == 0 || found[0].EntryKey != $"bench/bench/{scanned[0].Index:x16}")
                {
                    output.WriteLine($"  note: top result differs for query {q}: index {found.FirstOrDefault()?.EntryKey ?? "none"} vs scan {(scanned.Count == 0 ? "none" : scanned[0].Index)}");
                }
            }

            var info = await scope.DescribeAsync();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {info.Shards} (max {shardSize:N0} each) | {Percentile(indexTimes, 50):0.00} ms | {Percentile(indexTimes, 99):0.00} ms | {Percentile(plainTimes, 50):0.00} ms | {Percentile(plainTimes, 99):0.00} ms | {perPrompt:0} B |"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Vector bytes per prompt in the index: {Dimensions} int8 + 4 (scale) + 8 (expiry) = {Dimensions + 4 + 8} B (float32 would be {Dimensions * 4} B); the rest of the memory per prompt is its entry key, prompt text and slot map."));
        await host.StopAsync();
    }

    /// <summary>The baseline: one thread, float32 <see cref="TensorPrimitives.Dot"/> over every vector, top-k kept in a small list.</summary>
    private static List<(int Index, float Score)> PlainScan(float[] vectors, int count, float[] query, int top, float minScore)
    {
        var best = new List<(int Index, float Score)>(top + 1);
        var span = vectors.AsSpan();
        for (var i = 0; i < count; i++)
        {
            var score = TensorPrimitives.Dot(span.Slice(i * Dimensions, Dimensions), query);
            if (score < minScore || (best.Count == top && score <= best[^1].Score))
            {
                continue;
            }

            var at = best.FindIndex(b => b.Score < score);
            best.Insert(at < 0 ? best.Count : at, (i, score));
            if (best.Count > top)
            {
                best.RemoveAt(top);
            }
        }

        return best;
    }

    private static string Row(string what, List<double> latencies, double perSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"| {what} | {Percentile(latencies, 50):0.00} ms | {Percentile(latencies, 99):0.00} ms | {perSecond:0} |");

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static float[] Near(Random random, ReadOnlySpan<float> centre, float noise)
    {
        var v = Unit(random);
        for (var i = 0; i < Dimensions; i++)
        {
            v[i] = centre[i] + (noise * v[i]);
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    private static float[] Unit(Random random)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < Dimensions; i++)
        {
            v[i] = random.NextSingle() - 0.5f;
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
