using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Warming;

namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>
/// Accumulates this app server's outcomes per tenant, namespace, model and layer (priced with <see cref="LlmCacheOptions.Prices"/>)
/// until the reporter sends them to the cluster's statistics grain.
/// </summary>
internal sealed class ClusterStatisticsCollector(IOptions<LlmCacheOptions> options)
{
    private readonly object _gate = new();
    private Dictionary<(string Tenant, string Namespace, string Model, string Outcome), Accumulator> _rows = [];

    // The row recorded last: an app server's hits mostly land in the same one, found without hashing four strings.
    private (string Tenant, string Namespace, string Model, string Outcome) _lastKey;
    private Accumulator? _lastRow;
    private long[] _hits = new long[LatencyHistogram.Buckets];
    private long[] _misses = new long[LatencyHistogram.Buckets];
    private Dictionary<string, long> _missesByKey = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, string> _requestsByKey = new(StringComparer.Ordinal);

    // A report carries at most about this much recorded request text: a busy app server misses many distinct keys, the
    // statistics grain keeps requests only for the most-missed ones, and a key that misses again is recorded again.
    private const long MaxRequestCharsPerReport = 1 << 20;
    private long _requestChars;

    public void RecordHit(CacheKey key, string model, string layer, TimeSpan elapsed, long inputTokens, long outputTokens)
    {
        if (WarmingScope.IsActive)
        {
            return; // not a request anyone made (WarmingScope)
        }

        lock (_gate)
        {
            // Under the lock, like the drain: a histogram or map read before a drain swapped it would take the count
            // into a report already sent, and it would be lost.
            Record(key.Tenant, key.Namespace, model, layer, elapsed, inputTokens, outputTokens, _hits);
        }
    }

    // replayableRequest writes the request down for warming (LlmCacheEntryOptions.ReplayableRequest): called only where
    // RecordMissedRequestsForWarming is on (off, no prompt goes into a report), and at most once per key and report.
    public void RecordMiss(CacheKey key, string model, TimeSpan elapsed, long inputTokens, long outputTokens, Func<string?>? replayableRequest = null)
    {
        if (WarmingScope.IsActive)
        {
            // Warming's origin call: counted and priced in a row of its own, outside the miss histogram and the misses
            // per key that choose what to warm.
            lock (_gate)
            {
                Record(key.Tenant, key.Namespace, model, ClusterStatistics.WarmOutcome, elapsed, inputTokens, outputTokens, histogram: null);
            }

            return;
        }

        var grainKey = key.ToGrainKey();

        // Written down before taking the lock (it serializes the whole request); kept below only if still wanted.
        var request = replayableRequest is not null
            && options.Value.RecordMissedRequestsForWarming
            && Interlocked.Read(ref _requestChars) < MaxRequestCharsPerReport
            && !_requestsByKey.ContainsKey(grainKey)
                ? replayableRequest()
                : null;
        lock (_gate)
        {
            Record(key.Tenant, key.Namespace, model, ClusterStatistics.MissOutcome, elapsed, inputTokens, outputTokens, _misses);
            _missesByKey[grainKey] = _missesByKey.GetValueOrDefault(grainKey) + 1;
            if (request is not null && _requestsByKey.TryAdd(grainKey, request))
            {
                Interlocked.Add(ref _requestChars, request.Length);
            }
        }
    }

    // An origin call no request waited for (an eager refresh, a call that outlasted its caller's timeout): counted and
    // priced in a row of its own, outside the histograms and the misses per key, as warming is.
    public void RecordRefresh(CacheKey key, string model, TimeSpan elapsed, long inputTokens, long outputTokens)
    {
        lock (_gate)
        {
            Record(key.Tenant, key.Namespace, model, ClusterStatistics.RefreshOutcome, elapsed, inputTokens, outputTokens, histogram: null);
        }
    }

    // A call to the semantic verifier's model: a cost of the cache, in a row of its own like a refresh.
    public void RecordVerification(CacheKey key, string model, TimeSpan elapsed, long inputTokens, long outputTokens)
    {
        lock (_gate)
        {
            Record(key.Tenant, key.Namespace, model, ClusterStatistics.VerifyOutcome, elapsed, inputTokens, outputTokens, histogram: null);
        }
    }

    /// <summary>Takes everything recorded since the last call, or <see langword="null"/> when nothing was.</summary>
    public StatisticsReport? Drain()
    {
        lock (_gate)
        {
            if (_rows.Count == 0)
            {
                return null;
            }

            var report = new StatisticsReport(
                [.. _rows.Select(r => new StatisticsRow(r.Key.Namespace, r.Key.Model, r.Key.Outcome, r.Value.Count, r.Value.Milliseconds, r.Value.InputTokens, r.Value.OutputTokens, Dollars(r.Key.Model, r.Value), r.Key.Tenant))],
                _hits,
                _misses,
                new Dictionary<string, long>(_missesByKey, StringComparer.Ordinal),
                new Dictionary<string, string>(_requestsByKey, StringComparer.Ordinal));
            _rows = [];
            (_lastKey, _lastRow) = (default, null);
            _hits = new long[LatencyHistogram.Buckets];
            _misses = new long[LatencyHistogram.Buckets];
            _missesByKey = new(StringComparer.Ordinal);
            _requestsByKey = new(StringComparer.Ordinal);
            Interlocked.Exchange(ref _requestChars, 0);
            return report;
        }
    }

    // A price is linear in the tokens, so a row's dollars are priced once, from its token sums, when it is reported
    // (not with decimal arithmetic on every hit).
    private decimal Dollars(string model, Accumulator row) =>
        options.Value.Prices.TryGetValue(model, out var price) ? price.Cost(row.InputTokens, row.OutputTokens) : 0m;

    // Called under _gate, with the histogram field read under it too.
    private void Record(string tenant, string @namespace, string? model, string outcome, TimeSpan elapsed, long inputTokens, long outputTokens, long[]? histogram)
    {
        // An origin's answer served while the cluster is away is not validated, so its model may be missing; a row
        // without a model is still counted (a null one would make every later report fail when it is priced).
        model ??= string.Empty;
        var row = _lastRow;
        if (row is null
            || !string.Equals(_lastKey.Tenant, tenant, StringComparison.Ordinal)
            || !string.Equals(_lastKey.Namespace, @namespace, StringComparison.Ordinal)
            || !string.Equals(_lastKey.Model, model, StringComparison.Ordinal)
            || !string.Equals(_lastKey.Outcome, outcome, StringComparison.Ordinal))
        {
            if (!_rows.TryGetValue((tenant, @namespace, model, outcome), out row))
            {
                _rows[(tenant, @namespace, model, outcome)] = row = new Accumulator();
            }

            (_lastKey, _lastRow) = ((tenant, @namespace, model, outcome), row);
        }

        row.Count++;
        row.Milliseconds += elapsed.TotalMilliseconds;
        row.InputTokens += inputTokens;
        row.OutputTokens += outputTokens;
        if (histogram is not null)
        {
            histogram[LatencyHistogram.BucketOf(elapsed)]++;
        }
    }

    private sealed class Accumulator
    {
        public long Count;
        public double Milliseconds;
        public long InputTokens;
        public long OutputTokens;
    }
}
