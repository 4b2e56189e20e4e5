using System.Diagnostics.Metrics;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Model;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Client;

[Collection(ClusterCollection.Name)]
public sealed class StatisticsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task HitsAndMisses_AreCounted_AndPublishedOnTheMeter()
    {
        var measurements = new List<(string Instrument, long Value, string? Result)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LlmCacheStatistics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? result = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "result")
                {
                    result = tag.Value?.ToString();
                }
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, result));
            }
        });
        listener.Start();

        var statistics = fixture.Cache.Statistics;
        var (hits, misses, saved) = (statistics.Hits, statistics.Misses, statistics.TokensSaved);
        var key = TestKeys.Unique();
        var response = new CachedResponse("answer", "gpt-4", PromptTokens: 30, CompletionTokens: 70);

        await fixture.Cache.GetOrCreateAsync(key, async _ => { await Task.Delay(50); return response; });
        await fixture.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(response));
        await fixture.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(response));

        Assert.Equal(hits + 2, statistics.Hits);
        Assert.Equal(misses + 1, statistics.Misses);
        Assert.Equal(saved + 200, statistics.TokensSaved);
        Assert.InRange(statistics.HitRate, 0.01, 1);
        Assert.True(statistics.AverageMissTime >= TimeSpan.FromMilliseconds(40), $"a miss includes the 50 ms origin call; average was {statistics.AverageMissTime}");
        Assert.True(statistics.AverageHitTime > TimeSpan.Zero);

        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Instrument == "llmcache.client.requests" && m.Result == "hit");
            Assert.Contains(measurements, m => m.Instrument == "llmcache.client.requests" && m.Result == "miss");
            Assert.Contains(measurements, m => m.Instrument == "llmcache.client.tokens_saved" && m.Value == 100);
        }
    }
}
