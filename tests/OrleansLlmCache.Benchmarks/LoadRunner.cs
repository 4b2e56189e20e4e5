using System.Diagnostics;

namespace OrleansLlmCache.Benchmarks;

/// <summary>Runs an operation from N concurrent callers for a fixed time and records every latency.</summary>
internal static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(string name, int payloadBytes, int callers, TimeSpan warmup, TimeSpan duration, Func<int, Task> operation)
    {
        await RunForAsync(callers, warmup, operation, record: null);
        var latencies = new List<double>[callers];
        for (var i = 0; i < callers; i++)
        {
            latencies[i] = new List<double>(100_000);
        }

        var watch = Stopwatch.StartNew();
        await RunForAsync(callers, duration, operation, latencies);
        watch.Stop();
        return new LoadResult(name, payloadBytes, callers, latencies.SelectMany(l => l).ToList(), watch.Elapsed);
    }

    private static async Task RunForAsync(int callers, TimeSpan duration, Func<int, Task> operation, List<double>[]? record)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var i = caller;
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(i);
                record?[caller].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                i += callers;
            }
        }));
        await Task.WhenAll(workers);
    }
}
