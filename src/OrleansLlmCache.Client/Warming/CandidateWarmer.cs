using System.Diagnostics;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;

namespace OrleansLlmCache.Client.Warming;

/// <summary>
/// Warms the cluster's warming candidates: keys that missed at least a threshold number of times and whose request the
/// chat middleware recorded (on app servers with <see cref="LlmCacheOptions.RecordMissedRequestsForWarming"/> on).
/// Each candidate's request is sent to <em>this</em> app server's origin through the cache, most missed first;
/// candidates already cached are skipped, at most <see cref="CandidateWarmingOptions.MaxPerRun"/> origin
/// calls are made, and a failure is recorded without stopping the run.
/// </summary>
/// <remarks>The origin must be the bare client, not one already wrapped with the cache (the cache is added here).</remarks>
public sealed class CandidateWarmer(ILlmCache cache, IGrainFactory grains, IChatClient origin)
{
    // How far down the list of candidates one run looks for keys that are not cached: checking one costs a cache read.
    private const int MaxCandidatesExamined = 1_000;

    private readonly ChatCacheWarmer _warmer = new(cache, origin);

    /// <summary>Runs once: lists the candidates, skips the cached ones and warms the rest up to the per-run limit.</summary>
    /// <returns>
    /// <see cref="WarmReport.Total"/> candidates examined, of which <see cref="WarmReport.Warmed"/> were computed and
    /// <see cref="WarmReport.AlreadyCached"/> skipped; each failure by the candidate's rank, with its key.
    /// </returns>
    public async Task<WarmReport> WarmAsync(CandidateWarmingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var watch = Stopwatch.StartNew();
        var query = new CandidateQuery(options.Threshold, MaxCandidatesExamined, options.Tenant, ReplayableOnly: true);
        var candidates = await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetCandidatesAsync(query)
            .WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

        var failures = new List<(int Index, string Error)>();
        var toWarm = new List<(int Rank, string Key, ChatWarmRequest Request)>();
        var alreadyCached = 0;
        var examined = 0;
        for (; examined < candidates.Count && toWarm.Count < options.MaxPerRun; examined++)
        {
            var candidate = candidates[examined];
            if (!TryRequestOf(candidate, out var request, out var problem))
            {
                failures.Add((examined, $"{candidate.Key}: {problem}"));
            }
            else if (await cache.GetAsync(CacheKey.Parse(candidate.Key), cancellationToken) is not null)
            {
                alreadyCached++;
            }
            else
            {
                toWarm.Add((examined, candidate.Key, request));
            }
        }

        var report = await _warmer.WarmAsync([.. toWarm.Select(w => w.Request)], options.Concurrency, null, cancellationToken);
        failures.AddRange(report.Failures.Select(f => (toWarm[f.Index].Rank, $"{toWarm[f.Index].Key}: {f.Error}")));
        return new WarmReport(examined, report.Warmed, alreadyCached + report.AlreadyCached, [.. failures.OrderBy(f => f.Index)], watch.Elapsed);
    }

    // The recorded request must still produce the candidate's key through this origin: otherwise warming would store
    // an answer under a different key (another default model, a new key format) and the candidate would keep missing.
    private bool TryRequestOf(WarmingCandidate candidate, out ChatWarmRequest request, out string? problem)
    {
        request = null!;
        var key = CacheKey.Parse(candidate.Key);
        if (candidate.Request is null)
        {
            problem = "no request was recorded for it (only misses through the chat middleware on app servers with RecordMissedRequestsForWarming on are)";
            return false;
        }

        if (!ReplayableChatRequest.TryRead(candidate.Request, out var messages, out var chatOptions, out problem))
        {
            return false;
        }

        request = new ChatWarmRequest(key.Namespace, messages, chatOptions, key.Tenant);
        try
        {
            var replayed = _warmer.KeyOf(request).ToGrainKey();
            problem = replayed == candidate.Key ? null : $"the recorded request now has the key {replayed} (another default model at this origin, or a new key format)";
        }
        catch (InvalidOperationException ex)
        {
            problem = ex.Message;
        }

        return problem is null;
    }
}
