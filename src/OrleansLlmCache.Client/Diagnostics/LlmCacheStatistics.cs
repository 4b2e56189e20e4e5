using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansLlmCache.Client.Warming;
using OrleansLlmCache.Core.Diagnostics;

namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>
/// Hit and miss counts and times of one client process (the article's <c>CacheMetrics</c>), also published on the
/// <see cref="MeterName"/> meter for OpenTelemetry or <c>dotnet-counters</c>.
/// </summary>
public sealed class LlmCacheStatistics
{
    /// <summary>The name of the meter the client publishes on.</summary>
    public const string MeterName = "OrleansLlmCache.Client";

    private const string ResultTag = "llmcache.result";
    private const string LayerTag = "llmcache.layer";
    private const string NamespaceTag = "llmcache.namespace";
    private const string ModelTag = "gen_ai.response.model";

    // From 100 µs (an L1 hit is a few microseconds, a cluster hit a fraction of a millisecond) to a minute (a slow
    // origin): the default buckets, made for HTTP servers, start at 5 ms and would put every hit in the first one.
    private static readonly InstrumentAdvice<double> DurationAdvice = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    };

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokensSaved;
    private readonly Counter<long> _errors;

    // Namespaces and models are the application's: bounded so a namespace made from user input cannot make a time
    // series per value (BoundedTagValues). Generous enough for every prompt type and model a deployment configures.
    private readonly BoundedTagValues _namespaces = new(200);
    private readonly BoundedTagValues _models = new(50);

    private long _hits;
    private long _l1Hits;
    private long _misses;
    private long _warmed;
    private long _refreshes;
    private long _errorCount;
    private long _hitTicks;
    private long _missTicks;
    private long _tokensSavedCount;

    /// <summary>Creates the statistics and their instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public LlmCacheStatistics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("llmcache.client.requests", "{request}", "Cache lookups by result (llmcache.result: hit or miss; warm: an origin call made by cache warming; refresh: one made in the background, by eager refresh or after a caller's timeout), layer of a hit (llmcache.layer), namespace and model.");
        _duration = meter.CreateHistogram<double>("llmcache.client.duration", "s", "Time to answer a request, by result, layer, namespace and model; misses include the origin call.", advice: DurationAdvice);
        _tokensSaved = meter.CreateCounter<long>("llmcache.client.tokens_saved", "{token}", "Origin tokens not paid for because a request hit, by namespace and model.");
        _errors = meter.CreateCounter<long>("llmcache.client.errors", "{error}", "Calls to the cluster that failed or timed out (a read failed open; not counted as a miss).");

        // Published at 0 from the start: a series that appears only with the first error has no rate to alert on until
        // then, and looks the same as an app server that exports nothing.
        _errors.Add(0);
    }

    /// <summary>Requests answered from the cache (including single-flight waiters).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Hits answered from this process's L1 without a network call (included in <see cref="Hits"/>).</summary>
    public long L1Hits => Interlocked.Read(ref _l1Hits);

    /// <summary>
    /// Requests that went to the origin because the cache had no answer for them. A request that went to the origin
    /// because the cluster could not answer (it failed open) is an error, in <see cref="Errors"/>, not a miss.
    /// </summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>
    /// Origin calls made by cache warming (not requests: neither in <see cref="Misses"/> nor in <see cref="HitRate"/>;
    /// a warming request that found its answer cached is not counted at all).
    /// </summary>
    public long Warmed => Interlocked.Read(ref _warmed);

    /// <summary>
    /// Origin calls that no request waited for: eager refreshes, and calls that went on after their caller's soft or hard
    /// timeout. Not requests: neither in <see cref="Misses"/> nor in <see cref="HitRate"/>.
    /// </summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);

    /// <summary>All requests counted.</summary>
    public long TotalRequests => Hits + Misses;

    /// <summary>
    /// Cluster calls that failed or timed out (a read the cluster could not answer, a write it could not store). A read
    /// or get-or-create that failed this way was answered without the cache, and is not counted as a miss.
    /// </summary>
    public long Errors => Interlocked.Read(ref _errorCount);

    /// <summary>Origin tokens (input and output) not paid for thanks to hits.</summary>
    public long TokensSaved => Interlocked.Read(ref _tokensSavedCount);

    /// <summary>Hits divided by requests; 0 before the first request.</summary>
    public double HitRate => TotalRequests == 0 ? 0 : (double)Hits / TotalRequests;

    /// <summary>Mean time of a hit.</summary>
    public TimeSpan AverageHitTime => Average(_hitTicks, Hits);

    /// <summary>Mean time of a miss, origin call included.</summary>
    public TimeSpan AverageMissTime => Average(_missTicks, Misses);

    internal void RecordHit(TimeSpan elapsed, long tokensSaved, string layer = "silo", string? @namespace = null, string? model = null)
    {
        if (WarmingScope.IsActive)
        {
            return;
        }

        Interlocked.Increment(ref _hits);
        if (layer == "l1")
        {
            Interlocked.Increment(ref _l1Hits);
        }

        Interlocked.Add(ref _hitTicks, elapsed.Ticks);
        Interlocked.Add(ref _tokensSavedCount, tokensSaved);
        if (_requests.Enabled || _duration.Enabled || _tokensSaved.Enabled)
        {
            var tags = Tags("hit", layer, @namespace, model);
            _requests.Add(1, tags);
            _duration.Record(elapsed.TotalSeconds, tags);
            var scope = new TagList { { NamespaceTag, Namespace(@namespace) }, { ModelTag, Model(model) } };
            _tokensSaved.Add(tokensSaved, scope);
        }
    }

    internal void RecordMiss(TimeSpan elapsed, string? @namespace = null, string? model = null)
    {
        if (WarmingScope.IsActive)
        {
            Interlocked.Increment(ref _warmed);
            _requests.Add(1, Tags("warm", null, @namespace, model));
            return;
        }

        Interlocked.Increment(ref _misses);
        Interlocked.Add(ref _missTicks, elapsed.Ticks);
        if (_requests.Enabled || _duration.Enabled)
        {
            var tags = Tags("miss", null, @namespace, model);
            _requests.Add(1, tags);
            _duration.Record(elapsed.TotalSeconds, tags);
        }
    }

    internal void RecordRefresh(TimeSpan elapsed, string? @namespace = null, string? model = null)
    {
        Interlocked.Increment(ref _refreshes);
        if (_requests.Enabled || _duration.Enabled)
        {
            var tags = Tags("refresh", null, @namespace, model);
            _requests.Add(1, tags);
            _duration.Record(elapsed.TotalSeconds, tags);
        }
    }

    internal void RecordError()
    {
        Interlocked.Increment(ref _errorCount);
        _errors.Add(1);
    }

    private static TimeSpan Average(long ticks, long count) =>
        count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref ticks) / count);

    private TagList Tags(string result, string? layer, string? @namespace, string? model)
    {
        var tags = new TagList { { ResultTag, result } };
        if (layer is not null)
        {
            tags.Add(LayerTag, layer);
        }

        tags.Add(NamespaceTag, Namespace(@namespace));
        tags.Add(ModelTag, Model(model));
        return tags;
    }

    private string? Namespace(string? value) => value is null ? null : _namespaces.Of(value);

    private string? Model(string? value) => string.IsNullOrEmpty(value) ? null : _models.Of(value);
}
