using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Grains.Statistics;

/// <summary>
/// Sums the reports of every app server (hits, misses, savings) and every silo (embedding work), and keeps one snapshot
/// of the totals per history interval for the cache page's charts. Persisted at most every few seconds (reports arrive
/// every 5 s per app server and silo; losing a few seconds of statistics in a crash is acceptable, a write per report is not).
/// </summary>
internal sealed class CacheStatisticsGrain(
    [PersistentState("llm-statistics", LlmCacheStorage.Name)] IPersistentState<CacheStatisticsState> state,
    [FromKeyedServices(LlmCacheTime.ServiceKey)] TimeProvider time,
    IOptions<SiloStatisticsOptions> options) : Grain, ICacheStatisticsGrain
{
    // Miss analytics keep the most-missed keys only, so a long tail of one-off prompts cannot grow the state forever.
    private const int MaxTrackedKeys = 10_000;

    // Requests are kept for the most-missed keys only (each up to 16 KiB from the client): at most about 16 MB of state.
    private const int MaxStoredRequests = 1_000;
    private static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(10);
    private DateTimeOffset _lastSave = DateTimeOffset.MinValue;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Since == default)
        {
            state.State.Since = DateTimeOffset.UtcNow;
        }

        return Task.CompletedTask;
    }

    public async Task ReportAsync(StatisticsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var row in report.Rows)
        {
            // Rows of an earlier version have no tenant and keep their id; a tenant's rows are summed apart from them.
            var id = row.Tenant is null ? $"{row.Namespace}\u001f{row.Model}\u001f{row.Outcome}" : $"{row.Tenant}\u001e{row.Namespace}\u001f{row.Model}\u001f{row.Outcome}";
            state.State.Rows[id] = state.State.Rows.TryGetValue(id, out var sum)
                ? sum with
                {
                    Count = sum.Count + row.Count,
                    TotalMilliseconds = sum.TotalMilliseconds + row.TotalMilliseconds,
                    InputTokens = sum.InputTokens + row.InputTokens,
                    OutputTokens = sum.OutputTokens + row.OutputTokens,
                    Dollars = sum.Dollars + row.Dollars,
                }
                : row;
        }

        Add(state.State.HitHistogram, report.HitHistogram);
        Add(state.State.MissHistogram, report.MissHistogram);
        foreach (var (key, misses) in report.MissesByKey)
        {
            state.State.MissesByKey[key] = state.State.MissesByKey.GetValueOrDefault(key) + misses;
        }

        foreach (var (key, request) in report.RequestsByKey ?? new Dictionary<string, string>())
        {
            state.State.WarmingRequests.TryAdd(key, request); // the first recorded wins: a key's request does not change
        }

        if (state.State.MissesByKey.Count > MaxTrackedKeys)
        {
            foreach (var key in state.State.MissesByKey.OrderBy(m => m.Value).Take(state.State.MissesByKey.Count - MaxTrackedKeys).Select(m => m.Key).ToList())
            {
                state.State.MissesByKey.Remove(key);
                state.State.WarmingRequests.Remove(key);
            }
        }

        if (state.State.WarmingRequests.Count > MaxStoredRequests)
        {
            foreach (var key in state.State.WarmingRequests.Keys.OrderBy(k => state.State.MissesByKey.GetValueOrDefault(k)).Take(state.State.WarmingRequests.Count - MaxStoredRequests).ToList())
            {
                state.State.WarmingRequests.Remove(key);
            }
        }

        await RecordedAsync();
    }

    public async Task ReportEmbeddingAsync(IReadOnlyList<EmbeddingUsageRow> usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        foreach (var row in usage)
        {
            state.State.Embedding[row.Namespace] = state.State.Embedding.TryGetValue(row.Namespace, out var sum)
                ? sum with { Texts = sum.Texts + row.Texts, Tokens = sum.Tokens + row.Tokens, Dollars = sum.Dollars + row.Dollars }
                : row;
        }

        await RecordedAsync();
    }

    public async Task ReportSemanticFeedbackAsync(SemanticFeedbackRow feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var id = $"{feedback.Tenant}\u001e{feedback.Namespace}";
        state.State.SemanticFeedback[id] = state.State.SemanticFeedback.TryGetValue(id, out var sum)
            ? sum with
            {
                ReportedCorrect = sum.ReportedCorrect + feedback.ReportedCorrect,
                ReportedWrong = sum.ReportedWrong + feedback.ReportedWrong,
                VerifierRefusals = sum.VerifierRefusals + feedback.VerifierRefusals,
            }
            : feedback;
        await RecordedAsync();
    }

    public Task<ClusterStatistics> GetAsync() => Task.FromResult(Current());

    public Task<IReadOnlyList<WarmingCandidate>> GetCandidatesAsync(CandidateQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tenantPrefix = query.Tenant is null ? null : query.Tenant + "/";
        return Task.FromResult<IReadOnlyList<WarmingCandidate>>([.. state.State.MissesByKey
            .Where(m => m.Value >= query.Threshold)
            .Where(m => tenantPrefix is null || m.Key.StartsWith(tenantPrefix, StringComparison.Ordinal))
            .Select(m => new WarmingCandidate(m.Key, m.Value, state.State.WarmingRequests.GetValueOrDefault(m.Key)))
            .Where(c => !query.ReplayableOnly || c.Request is not null)
            .OrderByDescending(c => c.Misses)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(Math.Clamp(query.Limit, 0, MaxTrackedKeys))]);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    private ClusterStatistics Current() => new(
        [.. state.State.Rows.Values.OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal).ThenBy(r => r.Outcome, StringComparer.Ordinal).ThenBy(r => r.Tenant, StringComparer.Ordinal)],
        [.. state.State.HitHistogram],
        [.. state.State.MissHistogram],
        state.State.Since,
        [.. state.State.Embedding.Values.OrderBy(e => e.Namespace, StringComparer.Ordinal)],
        [.. state.State.History])
    {
        SemanticFeedback = [.. state.State.SemanticFeedback.Values.OrderBy(f => f.Tenant, StringComparer.Ordinal).ThenBy(f => f.Namespace, StringComparer.Ordinal)],
    };

    private async Task RecordedAsync()
    {
        TakeSnapshot();
        if (DateTimeOffset.UtcNow - _lastSave >= SaveEvery)
        {
            _lastSave = DateTimeOffset.UtcNow;
            await state.WriteStateAsync();
        }
    }

    // One point per history interval holding the latest totals of that interval: taken when reports arrive, so an idle
    // cluster adds no points (its totals did not change) and the grain needs no timer.
    private void TakeSnapshot()
    {
        var now = time.GetUtcNow();
        var interval = options.Value.HistoryInterval;
        var stats = Current();
        var point = new StatisticsSnapshot(now, stats.Hits, stats.Misses, stats.GrossSaved, stats.EmbeddingCost, stats.WarmingSpent, stats.RefreshSpent);
        var history = state.State.History;
        if (history.Count > 0 && now.Ticks / interval.Ticks == history[^1].At.Ticks / interval.Ticks)
        {
            history[^1] = point;
        }
        else
        {
            history.Add(point);
        }

        if (history.Count > options.Value.HistoryLength)
        {
            history.RemoveRange(0, history.Count - options.Value.HistoryLength);
        }
    }

    private static void Add(long[] into, IReadOnlyList<long> from)
    {
        for (var i = 0; i < Math.Min(into.Length, from.Count); i++)
        {
            into[i] += from[i];
        }
    }
}
