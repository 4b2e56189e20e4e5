using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// One scope's feedback. Recent hits are held in memory, oldest out first (bounded by count and age; the activation is
/// kept alive as long as its newest hit may be reported on), so that recording a hit costs no storage write; reports
/// are rare and persisted, bounded, for the acceptance bar. Each report is also added to the cluster statistics.
/// </summary>
internal sealed partial class SemanticFeedbackGrain(
    [PersistentState("llm-semantic-feedback", LlmCacheStorage.Name)] IPersistentState<SemanticFeedbackState> state,
    IOptions<SemanticIndexOptions> options,
    [FromKeyedServices(LlmCacheTime.ServiceKey)] TimeProvider time,
    IGrainFactory grains,
    ILogger<SemanticFeedbackGrain> logger) : Grain, ISemanticFeedbackGrain
{
    private readonly SemanticIndexOptions _options = options.Value;
    private readonly Dictionary<string, HeldHit> _hits = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public Task RecordHitAsync(SemanticHitRecord hit)
    {
        ArgumentNullException.ThrowIfNull(hit);
        var now = time.GetUtcNow();
        ForgetOldHits(now);
        if (_hits.TryAdd(hit.Nonce, new HeldHit(hit, now)))
        {
            _order.Enqueue(hit.Nonce);
        }

        while (_hits.Count > _options.FeedbackHits && _order.TryDequeue(out var oldest))
        {
            _hits.Remove(oldest);
        }

        DelayDeactivation(_options.FeedbackHitLifetime);
        return Task.CompletedTask;
    }

    public async Task<bool> ReportAsync(string nonce, SemanticVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        var now = time.GetUtcNow();
        ForgetOldHits(now);
        if (!_hits.TryGetValue(nonce, out var held))
        {
            return false;
        }

        if (held.Verdict is not null)
        {
            return true; // one verdict per hit: the first counts, a repeated report changes nothing
        }

        _hits[nonce] = held with { Verdict = verdict };
        if (verdict != SemanticVerdict.VerifierRefused && held.Hit.Probability is { } probability)
        {
            // A refused hit was never served: it says nothing about the error rate of served answers.
            state.State.Reports.Add(new SemanticFeedbackReport(probability, verdict == SemanticVerdict.Wrong, now));
            ForgetOldReports(now);
            await state.WriteStateAsync();
        }

        var tenant = this.GetPrimaryKeyString().Split('/', 2)[0];
        var row = new SemanticFeedbackRow(
            tenant,
            held.Hit.Namespace,
            verdict == SemanticVerdict.Correct ? 1 : 0,
            verdict == SemanticVerdict.Wrong ? 1 : 0,
            verdict == SemanticVerdict.VerifierRefused ? 1 : 0);
        try
        {
            await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).ReportSemanticFeedbackAsync(row);
        }
        catch (Exception ex)
        {
            // The report itself is kept (and counts for the bar); only the cluster statistics miss it.
            Log.StatisticsFailed(logger, ex);
        }

        return true;
    }

    public Task<double> GetMinimumProbabilityAsync(double floor, double maxErrorRate)
    {
        if (!double.IsFinite(floor) || floor is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(floor), floor, "The floor must be at least 0 and below 1.");
        }

        if (!double.IsFinite(maxErrorRate) || maxErrorRate is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxErrorRate), maxErrorRate, "The maximum error rate must be above 0 and below 1.");
        }

        // Read without trimming: this call interleaves with a report's write of the same list. A few thousand
        // comparisons per lookup at most.
        var cutoff = time.GetUtcNow() - _options.FeedbackReportLifetime;
        var reports = state.State.Reports
            .TakeLast(_options.FeedbackReports)
            .Where(r => r.At >= cutoff)
            .Select(r => (r.Probability, r.Wrong))
            .ToList();
        return Task.FromResult(SemanticAcceptanceBar.Compute(reports, floor, maxErrorRate, _options.FeedbackMinimumReports, _options.AdaptationStep));
    }

    private void ForgetOldHits(DateTimeOffset now)
    {
        var cutoff = now - _options.FeedbackHitLifetime;
        while (_order.TryPeek(out var oldest) && (!_hits.TryGetValue(oldest, out var held) || held.At < cutoff))
        {
            _order.Dequeue();
            _hits.Remove(oldest);
        }
    }

    // Trimmed as a report is added, and written with it.
    private void ForgetOldReports(DateTimeOffset now)
    {
        var reports = state.State.Reports;
        var cutoff = now - _options.FeedbackReportLifetime;
        var stale = reports.TakeWhile(r => r.At < cutoff).Count();
        stale = Math.Max(stale, reports.Count - _options.FeedbackReports);
        if (stale > 0)
        {
            reports.RemoveRange(0, stale);
        }
    }

    private sealed record HeldHit(SemanticHitRecord Hit, DateTimeOffset At, SemanticVerdict? Verdict = null);

    private static partial class Log
    {
        [LoggerMessage(1603, LogLevel.Warning, "Could not add semantic feedback to the cluster statistics; the report itself is kept.")]
        public static partial void StatisticsFailed(ILogger logger, Exception exception);
    }
}
