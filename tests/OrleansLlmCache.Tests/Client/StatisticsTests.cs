using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Warming;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Client;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class StatisticsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task UnderTheWarmingMark_AnOriginCallIsCountedAsWarming_OnTheMeterToo_AndAHitIsNotCounted()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var statistics = new LlmCacheStatistics(meters);
        var results = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this test's meter: other tests' app servers publish on meters of the same name.
            if (instrument.Meter.Scope == meters && instrument.Name == "llmcache.client.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "result")
                {
                    results.Add(tag.Value?.ToString());
                }
            }
        });
        listener.Start();

        await Task.Run(() =>
        {
            using var warming = WarmingScope.Enter();
            statistics.RecordHit(TimeSpan.FromMilliseconds(1), 30);
            statistics.RecordMiss(TimeSpan.FromSeconds(2));
        });
        statistics.RecordMiss(TimeSpan.FromSeconds(2));

        Assert.Equal((0L, 1L, 1L, 0L), (statistics.Hits, statistics.Misses, statistics.Warmed, statistics.TokensSaved));
        Assert.Equal(["warm", "miss"], results);
    }

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
