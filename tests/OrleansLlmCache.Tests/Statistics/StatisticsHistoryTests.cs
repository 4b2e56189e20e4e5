using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Grains.Statistics;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Statistics;

/// <summary>The statistics grain's chart history: one point per interval, the latest totals in each, bounded.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class StatisticsHistoryTests(ClusterFixture fixture)
{
    private static readonly SiloStatisticsOptions Defaults = new();

    [Fact]
    public async Task History_KeepsOnePointPerInterval_WithTheLatestTotals_AndOnlyTheLastHistoryLength()
    {
        var grain = fixture.Grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key);
        var @namespace = "history-" + Guid.NewGuid().ToString("N")[..8];

        // Two reports in one interval make one point; then one report per interval, more intervals than are kept.
        fixture.Time.Advance(Defaults.HistoryInterval);
        await grain.ReportAsync(Report(@namespace));
        var before = (await grain.GetAsync()).History.Count;
        await grain.ReportAsync(Report(@namespace));
        Assert.Equal(before, (await grain.GetAsync()).History.Count);

        for (var i = 0; i < Defaults.HistoryLength + 10; i++)
        {
            fixture.Time.Advance(Defaults.HistoryInterval);
            await grain.ReportAsync(Report(@namespace));
        }

        var stats = await grain.GetAsync();
        Assert.Equal(Defaults.HistoryLength, stats.History.Count);
        Assert.All(stats.History.Zip(stats.History.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= Defaults.HistoryInterval, "points are an interval apart"));
        Assert.All(stats.History.Zip(stats.History.Skip(1)), pair => Assert.True(pair.Second.Hits >= pair.First.Hits, "totals only grow"));
        Assert.Equal(stats.Hits, stats.History[^1].Hits);
        Assert.Equal(stats.GrossSaved, stats.History[^1].GrossSaved);
        Assert.Equal(fixture.Time.GetUtcNow(), stats.History[^1].At);
    }

    private static StatisticsReport Report(string @namespace) => new(
        [new StatisticsRow(@namespace, "gpt-4", "silo", 1, 1, 10, 20, 0.0015m)],
        new long[LatencyHistogram.Buckets],
        new long[LatencyHistogram.Buckets],
        new Dictionary<string, long>(),
        new Dictionary<string, string>());
}
