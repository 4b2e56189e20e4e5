using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Client;

/// <summary>
/// <see cref="SingleFlight"/> against a scripted entry grain: the lease loop, and what the leaseholder does with the
/// origin's answer or failure.
/// </summary>
public sealed class SingleFlightLeaseTests : IDisposable
{
    private static readonly CachedResponse Answer = new("answer", "gpt-4", 10, 20);
    private static readonly EntryWriteOptions Write = new(TimeSpan.FromHours(1));

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLogger<CacheOutcomeObserver> _log = new();
    private readonly LlmCacheStatistics _statistics;
    private readonly SingleFlight _singleFlight;
    private readonly ScriptedEntry _grain = new();

    public SingleFlightLeaseTests()
    {
        var options = Options.Create(new LlmCacheOptions { SingleFlightWaitPerCall = TimeSpan.FromSeconds(1), OperationTimeout = TimeSpan.FromSeconds(5) });
        _statistics = new LlmCacheStatistics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var observer = new CacheOutcomeObserver(_statistics, new ClusterStatisticsCollector(options), _log);
        _singleFlight = new SingleFlight(options, observer);
    }

    [Fact]
    public async Task WhileTheLeaseholderWorks_TheWaiterAsksAgain_UntilItsAnswerIsThere()
    {
        var entry = new CacheEntry(Answer, DateTimeOffset.UnixEpoch, null, 0);
        _grain.Leases.Enqueue(new LeaseResult(LeaseStatus.Pending));
        _grain.Leases.Enqueue(new LeaseResult(LeaseStatus.Pending));
        _grain.Leases.Enqueue(new LeaseResult(LeaseStatus.Hit, entry, Coalesced: true));

        var result = await _singleFlight.AcquireAsync(_grain, TestKeys.Unique(), Write, new OriginPolicy(TimeSpan.Zero), Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.Equal((LeaseStatus.Hit, true, 3), (result.Status, result.Coalesced, _grain.LeaseCalls));
        Assert.Same(entry, result.Entry);
    }

    [Fact]
    public async Task ACallerThatStopsWaiting_ReleasesTheLeaseTheGrainGrantsItAfterwards()
    {
        var granted = new TaskCompletionSource<LeaseResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _grain.Pending = granted.Task;
        using var cancel = new CancellationTokenSource();

        var acquire = _singleFlight.AcquireAsync(_grain, TestKeys.Unique(), Write, new OriginPolicy(TimeSpan.Zero), Stopwatch.GetTimestamp(), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acquire);

        // The silo grants the lease after the caller gave up (the release of the previous holder won the race).
        var lease = new LeaseResult(LeaseStatus.Granted, LeaseId: Guid.NewGuid());
        granted.SetResult(lease);
        await Eventually.WaitUntilAsync(() => Task.FromResult(_grain.Released == lease.LeaseId), TimeSpan.FromSeconds(10), () => "the abandoned lease was never released");
    }

    [Fact]
    public async Task TheOriginsAnswer_IsStoredUnderTheLease_WithTheVersionsItWasGrantedWith()
    {
        var versions = new Dictionary<string, long> { ["tests/tag:docs"] = 3 };
        var lease = new LeaseResult(LeaseStatus.Granted, LeaseId: Guid.NewGuid(), Versions: versions);

        var (response, stored, _) = await _singleFlight.CallOriginAsync(_grain, TestKeys.Unique(), lease, Write, new OriginPolicy(TimeSpan.Zero), _ => ValueTask.FromResult(Answer), Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.Same(Answer, response);
        Assert.NotNull(stored);
        Assert.Equal((lease.LeaseId, (IReadOnlyDictionary<string, long>?)versions), (_grain.Completed, _grain.CompletedWith?.Versions));
        Assert.Null(_grain.Released);
    }

    [Fact]
    public async Task AFailingOrigin_ReleasesTheLease_AndIsLoggedAsAFailure()
    {
        var lease = new LeaseResult(LeaseStatus.Granted, LeaseId: Guid.NewGuid());

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _singleFlight.CallOriginAsync(_grain, TestKeys.Unique(), lease, Write, new OriginPolicy(TimeSpan.Zero), _ => throw new InvalidOperationException("origin down"), Stopwatch.GetTimestamp(), CancellationToken.None));

        Assert.Equal(lease.LeaseId, _grain.Released);
        Assert.Null(_grain.Completed);
        var record = Assert.Single(_log.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Warning, typeof(InvalidOperationException)), (record.Level, record.Exception?.GetType()));
    }

    [Fact]
    public async Task AnAnswerTheFactoryDeclinesToStore_ReleasesTheLease_AndIsNotLoggedAsAFailure()
    {
        var lease = new LeaseResult(LeaseStatus.Granted, LeaseId: Guid.NewGuid());

        await Assert.ThrowsAsync<UncacheableResponseException>(() =>
            _singleFlight.CallOriginAsync(_grain, TestKeys.Unique(), lease, Write, new OriginPolicy(TimeSpan.Zero), _ => throw new UncacheableResponseException("filtered", "gpt-4", 1, 2), Stopwatch.GetTimestamp(), CancellationToken.None));

        Assert.Equal(lease.LeaseId, _grain.Released);
        Assert.Null(_grain.Completed);
        Assert.DoesNotContain(_log.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task AnAnswerTheClusterCouldNotStore_IsStillReturned_AndCountedAsAnError()
    {
        _grain.CompleteFailure = new TimeoutException("no answer");
        var lease = new LeaseResult(LeaseStatus.Granted, LeaseId: Guid.NewGuid());

        var (response, stored, _) = await _singleFlight.CallOriginAsync(_grain, TestKeys.Unique(), lease, Write, new OriginPolicy(TimeSpan.Zero), _ => ValueTask.FromResult(Answer), Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.Same(Answer, response);
        Assert.Null(stored);
        Assert.Equal(1, _statistics.Errors);
    }

    public void Dispose() => _services.Dispose();

    /// <summary>An entry grain that answers lease calls from a script and records what the leaseholder did.</summary>
    private sealed class ScriptedEntry : ICacheEntryGrain
    {
        public Queue<LeaseResult> Leases { get; } = new();

        public int LeaseCalls { get; private set; }

        public Guid? Completed { get; private set; }

        public EntryWriteOptions? CompletedWith { get; private set; }

        public Guid? Released { get; private set; }

        public Exception? CompleteFailure { get; set; }

        /// <summary>When set, the next lease call answers when this task does (a grain still deciding).</summary>
        public Task<LeaseResult>? Pending { get; set; }

        public ValueTask<LeaseResult> GetOrLeaseAsync(
            TimeSpan maxWait, IReadOnlyList<string>? tags = null, IReadOnlyList<string>? dependencies = null, TimeSpan acceptStale = default, CancellationToken cancellationToken = default)
        {
            LeaseCalls++;
            if (Pending is { } pending)
            {
                Pending = null;
                return new ValueTask<LeaseResult>(pending);
            }

            return ValueTask.FromResult(Leases.Dequeue());
        }

        public ValueTask<CacheEntry> CompleteLeaseAsync(Guid leaseId, CachedResponse response, EntryWriteOptions options)
        {
            if (CompleteFailure is { } failure)
            {
                return ValueTask.FromException<CacheEntry>(failure);
            }

            (Completed, CompletedWith) = (leaseId, options);
            return ValueTask.FromResult(new CacheEntry(response, DateTimeOffset.UnixEpoch, null, 0, Versions: options.Versions));
        }

        public ValueTask ReleaseLeaseAsync(Guid leaseId)
        {
            Released = leaseId;
            return ValueTask.CompletedTask;
        }

        public ValueTask<CacheEntry?> FailSafeAsync(Guid leaseId, TimeSpan acceptStale, TimeSpan throttle) => throw new NotSupportedException();

        public ValueTask<CacheEntry?> GetStaleAsync(TimeSpan acceptStale) => throw new NotSupportedException();

        public ValueTask<LeaseResult?> TryLeaseForRefreshAsync(double threshold, IReadOnlyList<string>? tags = null, IReadOnlyList<string>? dependencies = null) =>
            throw new NotSupportedException();

        public ValueTask<CacheEntry?> CompleteRefreshAsync(Guid leaseId, CachedResponse response, EntryWriteOptions options) => throw new NotSupportedException();

        public ValueTask<CacheEntry?> GetAsync() => throw new NotSupportedException();

        public ValueTask<EntryRead> ReadAsync() => throw new NotSupportedException();

        public ValueTask TouchAsync() => throw new NotSupportedException();

        public ValueTask<CacheEntry> SetAsync(CachedResponse response, EntryWriteOptions options) => throw new NotSupportedException();

        public ValueTask<bool> RemoveAsync() => throw new NotSupportedException();

        public ValueTask<bool> RemoveIfStaleAsync(string dependencyKey, long version) => throw new NotSupportedException();
    }
}
