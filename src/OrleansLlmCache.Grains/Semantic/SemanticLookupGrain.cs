using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Embeddings.Guard;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// Runs semantic lookups next to the model: embeds on this silo (stateless worker, reentrant so that concurrent
/// lookups batch their embeddings), asks the scope for the nearest candidates, and serves the first one that passes
/// the threshold and the decision (calibrated, or the guard's rules) and whose entry is live. A candidate whose entry is gone leaves the index.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed partial class SemanticLookupGrain(
    ITextEmbedder embedder,
    IGrainFactory grains,
    [FromKeyedServices(LlmCacheTime.ServiceKey)] TimeProvider time,
    IOptions<SemanticIndexOptions> options,
    ILogger<SemanticLookupGrain> logger) : Grain, ISemanticLookupGrain
{
    public async Task<SemanticLookupResult> FindAsync(SemanticQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Prompt.Validate();
        new SemanticMatchOptions { Threshold = query.Threshold, UseGuard = query.UseGuard, MinimumProbability = query.MinimumProbability }.Validate();
        var candidateCount = Math.Clamp(query.Candidates, 1, options.Value.MaxCandidates);
        var feedback = grains.GetGrain<ISemanticFeedbackGrain>(query.Prompt.Scope.ToGrainKey());

        // The scope's bar, raised by its feedback, is asked for while the prompt is embedded (it never goes below the
        // client's own target).
        var bar = query is { MaxErrorRate: { } maxErrorRate, MinimumProbability: { } floor, UseGuard: true }
            ? feedback.GetMinimumProbabilityAsync(floor, maxErrorRate)
            : Task.FromResult(query.MinimumProbability ?? 0);

        // Charged to the namespace, so that the statistics can show its savings net of the embedding work they cost. A
        // vector the application made is searched with as it is: its scope is its model's own (see SemanticLookup).
        var vector = query.Vector is { } given ? Checked(given, nameof(query)) : await embedder.EmbedAsync(query.Prompt.Text, query.Prompt.Key.Namespace);
        var minimumProbability = query.MinimumProbability is { } requested ? Math.Max(requested, await bar) : (double?)null;
        var matchOptions = new SemanticMatchOptions { Threshold = query.Threshold, UseGuard = query.UseGuard, MinimumProbability = minimumProbability };
        var scope = grains.GetGrain<ISemanticScopeGrain>(query.Prompt.Scope.ToGrainKey());
        var candidates = await scope.SearchAsync(vector, candidateCount, query.Threshold);

        var guard = new SemanticPrecisionGuard(matchOptions);
        var ownKey = query.Prompt.Key.ToGrainKey();
        var dead = new List<SemanticCandidate>();
        string? refusal = null;
        SemanticLookupResult? hit = null;
        foreach (var candidate in candidates)
        {
            if (candidate.EntryKey == ownKey)
            {
                // The exact key was looked up first and missed: the entry indexed under it is gone.
                dead.Add(candidate);
                continue;
            }

            // The decision first (calibrated, or the guard's rules): it costs a fraction of a millisecond, a liveness
            // check costs a grain call.
            var decision = guard.Decide(query.Prompt.Text, candidate.Prompt, candidate.Score);
            if (!decision.IsHit)
            {
                refusal ??= $"'{candidate.Prompt}' ({candidate.Score:0.000}): {decision.Explanation}";
                continue;
            }

            var entry = await grains.GetGrain<ICacheEntryGrain>(candidate.EntryKey).GetAsync();
            if (entry is null)
            {
                dead.Add(candidate); // expired or invalidated since it was indexed
                continue;
            }

            var hitId = await RecordHitQuietlyAsync(feedback, query.Prompt, decision.Probability, candidate.Score);
            hit = new SemanticLookupResult(entry, new SemanticMatch(CacheKey.Parse(candidate.EntryKey), candidate.Prompt, candidate.Score) { HitId = hitId }, null);
            break;
        }

        if (dead.Count > 0)
        {
            await RemoveQuietlyAsync(scope, dead);
        }

        return hit ?? new SemanticLookupResult(null, null, vector, refusal);
    }

    public async Task RegisterAsync(SemanticRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        registration.Prompt.Validate();
        if (registration.Embedder is not null)
        {
            ArgumentNullException.ThrowIfNull(registration.Vector, "registration.Vector");
        }

        var vector = registration.Vector ?? await embedder.EmbedAsync(registration.Prompt.Text, registration.Prompt.Key.Namespace);
        if (registration.Embedder is not null)
        {
            Checked(vector, nameof(registration));
        }
        else if (vector.Length != embedder.Dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions; the embedder makes {embedder.Dimensions}.", nameof(registration));
        }

        DateTimeOffset? expiresAt = registration.TimeToLive is { } ttl ? time.GetUtcNow() + ttl : null;
        var item = new SemanticIndexItem(registration.Prompt.Key.ToGrainKey(), registration.Prompt.Text, vector, expiresAt);
        await grains.GetGrain<ISemanticScopeGrain>(registration.Prompt.Scope.ToGrainKey()).AddAsync([item]);
    }

    // An application's vector: any dimension up to LlmCacheLimits.MaxEmbeddingDimensions (the scope's index takes the first one's),
    // finite, of unit length as the app server made it.
    private static float[] Checked(float[] vector, string parameter)
    {
        if (vector.Length is 0 or > LlmCacheLimits.MaxEmbeddingDimensions || !vector.All(float.IsFinite))
        {
            throw new ArgumentException($"An application's embedding must have 1 to {LlmCacheLimits.MaxEmbeddingDimensions} finite values; got {vector.Length}.", parameter);
        }

        return vector;
    }

    // Kept by the scope's feedback grain before it is served, so that a report on it can never arrive first. Failing
    // costs the hit its id (it cannot be reported on), never the hit.
    private async Task<string?> RecordHitQuietlyAsync(ISemanticFeedbackGrain feedback, SemanticPrompt prompt, double? probability, float score)
    {
        var hitId = SemanticHitId.New(prompt.Scope);
        try
        {
            await feedback.RecordHitAsync(new SemanticHitRecord(hitId.Nonce, prompt.Key.Namespace, probability, score));
            return hitId.ToString();
        }
        catch (Exception ex)
        {
            Log.RecordHitFailed(logger, ex);
            return null;
        }
    }

    private async Task RemoveQuietlyAsync(ISemanticScopeGrain scope, List<SemanticCandidate> dead)
    {
        try
        {
            await scope.RemoveAsync(dead);
        }
        catch (Exception ex)
        {
            // Only a clean-up: the dead candidates are checked again, and refused again, on the next lookup.
            Log.RemoveFailed(logger, ex, dead.Count);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1602, LogLevel.Warning, "Could not remove {Count} dead candidate(s) from a semantic index; they will be refused and retried on later lookups.")]
        public static partial void RemoveFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(1604, LogLevel.Warning, "Could not record a semantic hit for feedback; it is served without a hit id.")]
        public static partial void RecordHitFailed(ILogger logger, Exception exception);
    }
}
