using System.Globalization;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// Waits until the machine's CPUs are mostly idle, read from <c>/proc/stat</c>: a write phase may leave background work
/// behind (a cluster's storage and membership writes, a database flushing), and a hit cell started on top of it would
/// measure that work as much as the hits. Applied to every contender alike; contenders with no background work pass at
/// once.
/// </summary>
internal static class QuietMachine
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    /// <summary>Returns how long it waited: until two windows in a row were under <paramref name="busyShare"/> busy, or <paramref name="limit"/>.</summary>
    public static async Task<TimeSpan> WaitAsync(double busyShare = 0.25, TimeSpan? limit = null)
    {
        var started = DateTime.UtcNow;
        var deadline = started + (limit ?? TimeSpan.FromSeconds(20));
        var quietWindows = 0;
        var last = Read();
        while (quietWindows < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(Window);
            var now = Read();
            quietWindows = BusyShare(last, now) < busyShare ? quietWindows + 1 : 0;
            last = now;
        }

        return DateTime.UtcNow - started;
    }

    /// <summary>The share of the machine's CPU time that was busy between two <see cref="Read"/>s, 0 to 1.</summary>
    public static double BusyShare((long Busy, long Total) from, (long Busy, long Total) to) =>
        to.Total == from.Total ? 0 : (double)(to.Busy - from.Busy) / (to.Total - from.Total);

    /// <summary>
    /// The CPUs that <see cref="Read"/> sums over: the <c>cpuN</c> lines of <c>/proc/stat</c>, every CPU of the machine
    /// (<see cref="Environment.ProcessorCount"/> counts only those this process may use, under an affinity mask or a
    /// container's quota).
    /// </summary>
    public static int CpuCount { get; } = File.ReadLines("/proc/stat").Count(line => line.Length > 3 && line.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(line[3]));

    /// <summary>
    /// The machine's busy and total clock ticks so far, summed over its CPUs: the first line of <c>/proc/stat</c>,
    /// "cpu user nice system idle iowait irq softirq steal ...". Time stolen by the hypervisor counts as busy: the
    /// benchmark's processes did not get it either.
    /// </summary>
    public static (long Busy, long Total) Read()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return (total - idle, total);
    }
}
