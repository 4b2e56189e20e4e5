using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Warming;

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
        var reports = new List<OrleansLlmCache.Abstractions.Statistics.StatisticsReport>();
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

    [Fact]
    public async Task UnderTheWarmingMark_AnOriginCallIsAWarmRow_OutsideTheMissAnalytics_AndAHitIsNotCounted()
    {
        var collector = new ClusterStatisticsCollector(Options.Create(new LlmCacheOptions { RecordMissedRequestsForWarming = true }));
        var key = new CacheKey("acme", "docs", "k1");
        await Task.Run(() =>
        {
            using var warming = WarmingScope.Enter();
            collector.RecordHit(key, "gpt-4", "l1", TimeSpan.FromMilliseconds(1), 10, 20);
            collector.RecordMiss(key, "gpt-4", TimeSpan.FromSeconds(2), 10, 20, () => "the request");
        });

        // Outside the mark (here, and on the flow that started the warming) a miss is a miss again.
        Assert.False(WarmingScope.IsActive);
        collector.RecordMiss(key, "gpt-4", TimeSpan.FromSeconds(2), 10, 20);

        var report = collector.Drain()!;
        var warm = Assert.Single(report.Rows, r => r.Outcome == ClusterStatistics.WarmOutcome);
        Assert.Equal(1, warm.Count);
        Assert.True(warm.Dollars > 0, "warming is priced: it counts against the savings");
        Assert.DoesNotContain(report.Rows, r => ClusterStatistics.IsHit(r.Outcome));
        Assert.Equal(1, Assert.Single(report.Rows, r => r.Outcome == ClusterStatistics.MissOutcome).Count);
        Assert.Equal(0, report.HitHistogram.Sum());
        Assert.Equal(1, report.MissHistogram.Sum());
        Assert.Equal(1, report.MissesByKey[key.ToGrainKey()]);
        Assert.Empty(report.RequestsByKey);
    }

    [Fact]
    public void EachRow_IsPricedFromItsOwnTokens_AtItsModelsPrice()
    {
        var collector = new ClusterStatisticsCollector(Options.Create(new LlmCacheOptions()));
        var docs = new CacheKey("acme", "docs", "k1");
        var code = new CacheKey("acme", "code", "k1");

        // Interleaved, so that consecutive records change row: each must still land in its own.
        for (var i = 0; i < 3; i++)
        {
            collector.RecordHit(docs, "gpt-4", "l1", TimeSpan.FromMilliseconds(1), 1000, 500);
            collector.RecordHit(code, "GPT-4", "l1", TimeSpan.FromMilliseconds(1), 2000, 0);
            collector.RecordHit(docs, "gpt-4", "silo", TimeSpan.FromMilliseconds(1), 100, 100);
            collector.RecordMiss(docs, "claude-3-5-sonnet", TimeSpan.FromMilliseconds(1), 1000, 1000);
            collector.RecordHit(docs, "a-model-without-a-price", "l1", TimeSpan.FromMilliseconds(1), 1000, 1000);
        }

        var rows = collector.Drain()!.Rows.ToDictionary(row => (row.Namespace, row.Model, row.Outcome));

        Assert.Equal(5, rows.Count);
        Assert.Equal(3 * 0.06m, rows[("docs", "gpt-4", "l1")].Dollars); // 1,000 in at $0.03, 500 out at $0.06 per 1,000
        Assert.Equal(3 * 0.06m, rows[("code", "GPT-4", "l1")].Dollars); // prices are looked up ignoring case
        Assert.Equal(3 * 0.009m, rows[("docs", "gpt-4", "silo")].Dollars);
        Assert.Equal(3 * 0.018m, rows[("docs", "claude-3-5-sonnet", "miss")].Dollars);
        Assert.Equal(0m, rows[("docs", "a-model-without-a-price", "l1")].Dollars);
        Assert.All(rows.Values, row => Assert.Equal(3, row.Count));

        // After a drain the next report starts from nothing, the row recorded last included.
        collector.RecordHit(docs, "gpt-4", "l1", TimeSpan.FromMilliseconds(1), 1000, 500);
        var next = Assert.Single(collector.Drain()!.Rows);
        Assert.Equal((1L, 0.06m), (next.Count, next.Dollars));
    }

    [Fact]
    public void RecordsLandInTheirOwnRow_WhenConsecutiveOnesDifferInOnePartOnly()
    {
        var collector = new ClusterStatisticsCollector(Options.Create(new LlmCacheOptions()));
        var docs = new CacheKey("acme", "docs", "k1");
        var code = new CacheKey("acme", "code", "k1");

        collector.RecordHit(docs, "gpt-4", "l1", TimeSpan.FromMilliseconds(1), 1, 10);
        collector.RecordHit(docs, "gpt-4", "l1", TimeSpan.FromMilliseconds(1), 1, 10); // the same row again
        collector.RecordHit(docs, "gpt-4", "silo", TimeSpan.FromMilliseconds(1), 2, 20); // the outcome only
        collector.RecordHit(code, "gpt-4", "silo", TimeSpan.FromMilliseconds(1), 3, 30); // the namespace only
        collector.RecordHit(code, "claude-3-5-sonnet", "silo", TimeSpan.FromMilliseconds(1), 4, 40); // the model only
        collector.RecordMiss(code, "claude-3-5-sonnet", TimeSpan.FromMilliseconds(1), 5, 50);

        // An origin's answer served while the cluster is away is not validated: a missing model is counted, not fatal.
        collector.RecordMiss(docs, null!, TimeSpan.FromMilliseconds(1), 6, 60);

        var rows = collector.Drain()!.Rows.ToDictionary(row => (row.Namespace, row.Model, row.Outcome), row => (row.Count, row.InputTokens, row.OutputTokens));

        Assert.Equal(
            new Dictionary<(string, string, string), (long, long, long)>
            {
                [("docs", "gpt-4", "l1")] = (2, 2, 20),
                [("docs", "gpt-4", "silo")] = (1, 2, 20),
                [("code", "gpt-4", "silo")] = (1, 3, 30),
                [("code", "claude-3-5-sonnet", "silo")] = (1, 4, 40),
                [("code", "claude-3-5-sonnet", "miss")] = (1, 5, 50),
                [("docs", "", "miss")] = (1, 6, 60),
            },
            rows);
        Assert.Null(collector.Drain()); // nothing left after the drain
    }

    [Fact]
    public void Rows_CarryTheTenant_AndTwoTenantsNeverShareARow()
    {
        var collector = new ClusterStatisticsCollector(Options.Create(new LlmCacheOptions()));

        collector.RecordHit(new CacheKey("acme", "docs", "k1"), "gpt-4", "l1", TimeSpan.FromMilliseconds(1), 1, 10);
        collector.RecordHit(new CacheKey("globex", "docs", "k1"), "gpt-4", "l1", TimeSpan.FromMilliseconds(1), 2, 20); // the tenant only
        collector.RecordMiss(new CacheKey("globex", "docs", "k2"), "gpt-4", TimeSpan.FromMilliseconds(1), 3, 30);

        var rows = collector.Drain()!.Rows.ToDictionary(row => (row.Tenant, row.Outcome), row => row.InputTokens);

        Assert.Equal(
            new Dictionary<(string?, string), long> { [("acme", "l1")] = 1, [("globex", "l1")] = 2, [("globex", "miss")] = 3 },
            rows);
    }

    private static OrleansLlmCache.Abstractions.Statistics.StatisticsReport Snapshot(OrleansLlmCache.Abstractions.Statistics.StatisticsReport report) =>
        report with
        {
            HitHistogram = [.. report.HitHistogram],
            MissHistogram = [.. report.MissHistogram],
            MissesByKey = new Dictionary<string, long>(report.MissesByKey),
        };
}
