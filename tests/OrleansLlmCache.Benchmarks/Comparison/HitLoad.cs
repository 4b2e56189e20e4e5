using System.Diagnostics;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// Exact-hit load for the comparison: N callers in a loop for a fixed time. Unlike <see cref="LoadRunner"/> it records
/// into arrays allocated before the clock starts (every 4th latency, up to a cap; the clock is read only for those and
/// to see whether time is up, every 64th hit), so that growing lists of millions of
/// sub-microsecond samples do not trigger collections that would be charged to the cache under test; and it reports
/// what the cache itself allocated and collected, and the process's CPU time per hit: on a shared machine the hits per
/// second measure how much CPU the process was given as much as the cache, the CPU time per hit does not. For the same
/// reason it reports how many cores every other process on the machine kept busy meanwhile (from <c>/proc/stat</c>):
/// a contender whose servers share the cores with the app server shows it there.
/// </summary>
internal static class HitLoad
{
    private const int SampleEvery = 4;
    private const int MaxSamples = 4_000_000;

    public static async Task<(double P50, double P99, double Throughput, double BytesPerHit, int Collections, double CpuNanosPerHit, double OtherCores)> RunAsync(int callers, TimeSpan duration, Func<int, Task> hit)
    {
        var samples = Enumerable.Range(0, callers).Select(_ => new double[MaxSamples / callers]).ToArray();
        var counts = new long[callers];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var machine = QuietMachine.Read();
        var watch = Stopwatch.StartNew();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var mine = samples[caller];
            var count = 0L;
            // The clock is read only around the sampled hits and every 64th hit for the end: three reads per hit
            // would cost as much as the fastest caches' lookups themselves.
            for (var i = caller; (count & 63) != 0 || Stopwatch.GetTimestamp() < end; i += callers)
            {
                if (count % SampleEvery == 0 && count / SampleEvery < mine.Length)
                {
                    var started = Stopwatch.GetTimestamp();
                    await hit(i);

                    // From raw timestamps: a TimeSpan would round to 100 ns ticks, too coarse for memory hits.
                    mine[count / SampleEvery] = (Stopwatch.GetTimestamp() - started) * 1e6 / Stopwatch.Frequency;
                }
                else
                {
                    await hit(i);
                }

                count++;
            }

            counts[caller] = count;
        })));
        watch.Stop();
        var machineBusy = QuietMachine.BusyShare(machine, QuietMachine.Read());
        process.Refresh();
        var cpuNanos = (process.TotalProcessorTime - cpu).TotalNanoseconds;
        // Clock ticks are 10 ms per CPU: over a 2 s cell on two CPUs one tick is 0.005 cores, so figures of a few
        // hundredths are a handful of ticks.
        var otherCores = Math.Max(0, (machineBusy * QuietMachine.CpuCount) - (cpuNanos / watch.Elapsed.TotalNanoseconds));
        var total = counts.Sum();
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var sorted = samples.SelectMany((s, caller) => s.Take((int)Math.Min(s.Length, (counts[caller] + SampleEvery - 1) / SampleEvery))).Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return (Percentile(50), Percentile(99), total / watch.Elapsed.TotalSeconds, (double)bytes / Math.Max(1, total), GC.CollectionCount(0) - collections, cpuNanos / Math.Max(1, total), otherCores);
    }
}
