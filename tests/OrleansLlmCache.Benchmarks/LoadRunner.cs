using System.Diagnostics;

namespace OrleansLlmCache.Benchmarks;

/// <summary>Runs an operation from N concurrent callers for a fixed time and records every latency.</summary>
internal static class LoadRunner
{
    /// <param name="servers">
    /// The server processes that do the work (redis-server, silos). Their CPU time per operation is reported next to
    /// this process's: on a shared 2-core machine CPU per operation, not the wall-clock latency of one call, decides how
    /// far concurrency can go, and it says on which side the time goes.
    /// </param>
    public static async Task<LoadResult> RunAsync(
        string name, int payloadBytes, int callers, TimeSpan warmup, TimeSpan duration, Func<int, Task> operation, IReadOnlyList<int>? servers = null)
    {
        await RunForAsync(callers, warmup, operation, record: null);
        var latencies = new List<double>[callers];
        for (var i = 0; i < callers; i++)
        {
            latencies[i] = new List<double>(100_000);
        }

        var clientBefore = CpuTime([Environment.ProcessId]);
        var serversBefore = CpuTime(servers ?? []);
        var watch = Stopwatch.StartNew();
        await RunForAsync(callers, duration, operation, latencies);
        watch.Stop();
        var client = CpuTime([Environment.ProcessId]) - clientBefore;
        var server = CpuTime(servers ?? []) - serversBefore;
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(name, payloadBytes, callers, all, watch.Elapsed)
        {
            ClientCpuPerOperation = servers is null || all.Count == 0 ? null : client / all.Count,
            ServerCpuPerOperation = servers is null || all.Count == 0 ? null : server / all.Count,
        };
    }

    private static TimeSpan CpuTime(IReadOnlyList<int> processes)
    {
        var total = TimeSpan.Zero;
        foreach (var id in processes)
        {
            using var process = Process.GetProcessById(id);
            total += process.TotalProcessorTime;
        }

        return total;
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
