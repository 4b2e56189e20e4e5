using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Client;

/// <summary>One outcome, reported once, reaches both statistics sinks (and the log) as each of them names it.</summary>
public sealed class CacheOutcomeObserverTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLogger<CacheOutcomeObserver> _log = new();
    private readonly LlmCacheStatistics _statistics;
    private readonly ClusterStatisticsCollector _cluster = new(Options.Create(new LlmCacheOptions()));
    private readonly CacheOutcomeObserver _observer;

    public CacheOutcomeObserverTests()
    {
        _statistics = new LlmCacheStatistics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _observer = new CacheOutcomeObserver(_statistics, _cluster, _log);
    }

    [Fact]
    public void AHit_IsCountedOnThisProcess_AndInTheClusterRowOfItsLayer()
    {
        var key = TestKeys.Unique();
        var response = new CachedResponse("answer", "gpt-4", PromptTokens: 30, CompletionTokens: 70);

        _observer.OnHit(key, CacheLayer.L1, TimeSpan.FromMilliseconds(1), response);
        _observer.OnHit(key, CacheLayer.Coalesced, TimeSpan.FromMilliseconds(1), response);
        _observer.OnHit(key, CacheLayer.Storage, TimeSpan.FromMilliseconds(1), response);

        Assert.Equal((3L, 1L, 300L, 0L), (_statistics.Hits, _statistics.L1Hits, _statistics.TokensSaved, _statistics.Misses));
        var rows = _cluster.Drain()!.Rows.ToDictionary(r => r.Outcome, r => r.Count);
        Assert.Equal(new Dictionary<string, long> { ["l1"] = 1, ["coalesced"] = 1, ["storage"] = 1 }, rows);
    }

    [Fact]
    public void AnAnswerTheFactoryDeclinedToStore_IsAMiss_AndNotLoggedAsAFailure()
    {
        var key = TestKeys.Unique();

        _observer.OnNotStored(key, TimeSpan.FromSeconds(2), new UncacheableResponseException("the origin filtered the content", "gpt-4", 12, 34));

        Assert.Equal((1L, 0L, 0L), (_statistics.Misses, _statistics.Errors, _statistics.Hits));
        var row = Assert.Single(_cluster.Drain()!.Rows);
        Assert.Equal((ClusterStatistics.MissOutcome, "gpt-4", 12L, 34L), (row.Outcome, row.Model, row.InputTokens, row.OutputTokens));
        var record = Assert.Single(_log.Collector.GetSnapshot());
        Assert.True(record.Level <= LogLevel.Information, $"logged as {record.Level}");
        Assert.Null(record.Exception);
        Assert.Contains("the origin filtered the content", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnavailableCluster_IsAnError_WithoutAStackTraceForATimeout()
    {
        _observer.OnUnavailable("get", TestKeys.Unique(), new TimeoutException("no answer"));
        _observer.OnUnavailable("get", TestKeys.Unique(), new InvalidOperationException("a defect"));

        Assert.Equal((2L, 0L), (_statistics.Errors, _statistics.Misses));
        Assert.Equal([null, typeof(InvalidOperationException)], _log.Collector.GetSnapshot().Select(r => r.Exception?.GetType()));
    }

    public void Dispose() => _services.Dispose();
}
