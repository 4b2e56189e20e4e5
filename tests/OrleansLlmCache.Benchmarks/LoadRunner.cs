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
    public static Task<LoadResult> RunAsync(
        string name, int payloadBytes, int callers, TimeSpan warmup, TimeSpan duration, Func<int, Task> operation, IReadOnlyList<int>? servers = null) =>
        RunAsync(name, payloadBytes, callers, warmup, duration, WithoutFirstByte(operation), servers);

    /// <summary>An operation that reports no time of its own, in the form the first-byte overload takes.</summary>
    public static Func<int, ValueTask<double?>> WithoutFirstByte(Func<int, Task> operation) => async i =>
    {
        await operation(i);
        return null;
    };

    /// <summary>
    /// Like the other overload, for an operation that also reports a time of its own in microseconds (a stream's time
    /// to first byte), recorded in <see cref="LoadResult.FirstByteMicroseconds"/>.
    /// </summary>
    public static async Task<LoadResult> RunAsync(
        string name, int payloadBytes, int callers, TimeSpan warmup, TimeSpan duration, Func<int, ValueTask<double?>> operation, IReadOnlyList<int>? servers = null)
    {
        await RunForAsync(callers, warmup, operation, record: null, firstBytes: null);
        var latencies = new List<double>[callers];
        var firstBytes = new List<double>[callers];
        for (var i = 0; i < callers; i++)
        {
            latencies[i] = new List<double>(100_000);
            firstBytes[i] = [];
        }

        var clientBefore = CpuTime([Environment.ProcessId]);
        var serversBefore = CpuTime(servers ?? []);
        var watch = Stopwatch.StartNew();
        await RunForAsync(callers, duration, operation, latencies, firstBytes);
        watch.Stop();
        var client = CpuTime([Environment.ProcessId]) - clientBefore;
        var server = CpuTime(servers ?? []) - serversBefore;
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(name, payloadBytes, callers, all, watch.Elapsed)
        {
            FirstByteMicroseconds = [.. firstBytes.SelectMany(l => l)],
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

    private static async Task RunForAsync(int callers, TimeSpan duration, Func<int, ValueTask<double?>> operation, List<double>[]? record, List<double>[]? firstBytes)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var i = caller;
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                var firstByte = await operation(i);
                record?[caller].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                if (firstByte is { } value)
                {
                    firstBytes?[caller].Add(value);
                }

                i += callers;
            }
        }));
        await Task.WhenAll(workers);
    }
}
