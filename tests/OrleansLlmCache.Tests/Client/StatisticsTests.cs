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
                if (tag.Key == "llmcache.result")
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
                if (tag.Key == "llmcache.result")
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

    [Fact]
    public void Durations_AreInSeconds_WithNamespacedAttributes_AndNamespacesBeyondTheBoundAreOther()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var statistics = new LlmCacheStatistics(meters);
        var durations = new List<(string? Unit, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "llmcache.client.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            durations.Add((instrument.Unit, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        statistics.RecordHit(TimeSpan.FromMilliseconds(3), 10, "l1", "content", "gpt-4o");
        statistics.RecordMiss(TimeSpan.FromSeconds(2), "content", "gpt-4o");
        for (var i = 0; i < 250; i++)
        {
            statistics.RecordMiss(TimeSpan.FromSeconds(1), $"tenant-made-{i}", "gpt-4o");
        }

        var hit = durations[0];
        Assert.Equal("s", hit.Unit);
        Assert.Equal(0.003, hit.Value, 6);
        Assert.Equal("hit", hit.Tags["llmcache.result"]);
        Assert.Equal("l1", hit.Tags["llmcache.layer"]);
        Assert.Equal("content", hit.Tags["llmcache.namespace"]);
        Assert.Equal("gpt-4o", hit.Tags["gen_ai.response.model"]);
        Assert.Equal(2.0, durations[1].Value, 6);
        Assert.DoesNotContain("layer", durations[1].Tags.Keys);

        var namespaces = durations.Select(d => (string)d.Tags["llmcache.namespace"]!).Distinct().ToList();
        Assert.Contains("_other", namespaces);
        Assert.InRange(namespaces.Count, 150, 202);
    }
}
