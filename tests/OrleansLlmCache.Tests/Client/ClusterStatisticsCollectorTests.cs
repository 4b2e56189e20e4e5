using Microsoft.Extensions.Options;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Keys;

namespace OrleansLlmCache.Tests.Client;

/// <summary>The app server's statistics accumulator: what is recorded reaches exactly one report.</summary>
public sealed class ClusterStatisticsCollectorTests
{
    [Fact]
    public async Task RecordsRacingTheDrain_AreEachInExactlyOneReport()
    {
        var collector = new ClusterStatisticsCollector(Options.Create(new LlmCacheOptions()));
        var key = new CacheKey("acme", "docs", "k1");
        const int PerThread = 200_000;
        const int Threads = 4;
        var reports = new List<OrleansLlmCache.Statistics.StatisticsReport>();
        using var stop = new CancellationTokenSource();

        // The reporter drains every few microseconds while app-server threads record: the swap of the maps and
        // histograms must not catch a record half-way.
        var drainer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (collector.Drain() is { } report)
                {
                    // Copied at once, as the reporter serializes and sends it: a count landing in it later is lost.
                    reports.Add(Snapshot(report));
                }
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                collector.RecordMiss(key, "gpt-4", TimeSpan.FromMilliseconds(1), 1, 1);
                collector.RecordHit(key, "gpt-4", "l1", TimeSpan.FromMilliseconds(1), 1, 1);
            }
        })));
        await stop.CancelAsync();
        await drainer;
        if (collector.Drain() is { } last)
        {
            reports.Add(Snapshot(last));
        }

        const long Expected = (long)PerThread * Threads;
        Assert.Equal(Expected, reports.Sum(r => r.MissesByKey.GetValueOrDefault(key.ToGrainKey())));
        Assert.Equal(Expected, reports.Sum(r => r.MissHistogram.Sum()));
        Assert.Equal(Expected, reports.Sum(r => r.HitHistogram.Sum()));
        Assert.Equal(2 * Expected, reports.Sum(r => r.Rows.Sum(row => row.Count)));
    }

    private static OrleansLlmCache.Statistics.StatisticsReport Snapshot(OrleansLlmCache.Statistics.StatisticsReport report) =>
        report with
        {
            HitHistogram = [.. report.HitHistogram],
            MissHistogram = [.. report.MissHistogram],
            MissesByKey = new Dictionary<string, long>(report.MissesByKey),
        };
}
