using System.Globalization;

namespace OrleansLlmCache.Benchmarks;

/// <summary>Latencies and throughput of one measured run.</summary>
internal sealed record LoadResult(string Name, int PayloadBytes, int Callers, IReadOnlyList<double> LatenciesMicroseconds, TimeSpan Duration)
{
    /// <summary>CPU time of the calling process per operation, when measured.</summary>
    public TimeSpan? ClientCpuPerOperation { get; init; }

    /// <summary>CPU time of the server processes (redis-server, silos) per operation, when measured.</summary>
    public TimeSpan? ServerCpuPerOperation { get; init; }

    /// <summary>Times to first byte of streamed answers, in microseconds, when the operation reports them.</summary>
    public IReadOnlyList<double> FirstByteMicroseconds { get; init; } = [];

    public double Throughput => LatenciesMicroseconds.Count / Duration.TotalSeconds;

    public double Percentile(double p) => Percentile(LatenciesMicroseconds, p);

    public double FirstBytePercentile(double p) => Percentile(FirstByteMicroseconds, p);

    private static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public string ToMarkdownRow() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Name} | {PayloadBytes / 1024} KiB | {Callers} | {Percentile(50):0} µs | {Percentile(99):0} µs | {Throughput:N0} | {Micros(ClientCpuPerOperation)} | {Micros(ServerCpuPerOperation)} |");

    private static string Micros(TimeSpan? value) =>
        value is { } v ? v.TotalMicroseconds.ToString("0.0", CultureInfo.InvariantCulture) + " µs" : "-";
}
