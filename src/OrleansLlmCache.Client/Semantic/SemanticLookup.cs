using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Core.Diagnostics;

namespace OrleansLlmCache.Client.Semantic;

/// <summary>
/// The client's side of the semantic cache: decides whether a request uses it, and calls the silos' lookup worker,
/// which embeds, searches, guards and checks liveness next to the model (or, with the application's own model, searches
/// with the vector embedded here: <see cref="ApplicationEmbedder"/>). Failures cost the semantic hit, never the answer;
/// a refused access key is configuration, not a failure, and reaches the caller.
/// </summary>
internal sealed class SemanticLookup(IGrainFactory grains, LlmCacheOptions options, ApplicationEmbedder? embedder, ILogger logger)
{
    private readonly SemanticCacheOptions _options = options.Semantic;

    // A cluster call may load the silo's model first; an application's model may be a remote service. Either gets a few
    // seconds more than a read.
    private TimeSpan Timeout => options.OperationTimeout + TimeSpan.FromSeconds(5);

    /// <summary>Whether semantic matching applies: the request's own switch, else its namespace's policy, else the namespace patterns.</summary>
    public bool IsEnabled(string @namespace, LlmCacheEntryOptions? entryOptions) =>
        entryOptions?.Semantic
        ?? Policies.NamespacePolicies.Resolve(options, @namespace)?.Semantic
        ?? _options.Namespaces.Any(pattern => InvalidationPattern.Matches(pattern, @namespace));

    /// <summary>A live semantic hit, or a miss with the prompt's vector; <see langword="null"/> when the cluster failed.</summary>
    public async Task<SemanticLookupResult?> FindAsync(SemanticPrompt prompt, CancellationToken cancellationToken)
    {
        // A span of its own inside the request's: embedding (here with the application's model, or on a silo), search
        // and guard are its children.
        using var span = LlmCacheActivity.Source.StartActivity("llmcache.semantic_lookup");
        float[]? vector = null;
        if (embedder is not null && (vector = await EmbedQuietlyAsync(prompt, "semantic lookup", cancellationToken)) is null)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "the application's embedding model failed");
            return null;
        }

        try
        {
            var policy = Policies.NamespacePolicies.Resolve(options, prompt.Key.Namespace);
            var threshold = policy?.SemanticThreshold ?? _options.Threshold;
            double? minimumProbability = _options.Decision == SemanticDecision.Rules ? null : policy?.SemanticMinimumProbability ?? _options.MinimumProbability;
            var maxErrorRate = policy?.SemanticMaxErrorRate ?? _options.MaxErrorRate;
            var query = vector is null
                ? new SemanticQuery(prompt, threshold, _options.UseGuard, _options.Candidates) { MinimumProbability = minimumProbability, MaxErrorRate = maxErrorRate }
                : new SemanticQuery(embedder!.InModelScope(prompt, vector.Length), threshold, _options.UseGuard, _options.Candidates)
                {
                    Vector = vector,
                    MinimumProbability = minimumProbability,
                    MaxErrorRate = maxErrorRate,
                };
            var found = await Worker.FindAsync(query).WaitAsync(Timeout, cancellationToken);
            if (span is { IsAllDataRequested: true })
            {
                span.SetTag("llmcache.semantic.threshold", threshold);
                span.SetTag("llmcache.semantic.minimum_probability", minimumProbability);
                span.SetTag(LlmCacheActivity.AnswerSource, found.Match is null ? "miss" : "semantic_hit");
                span.SetTag(LlmCacheActivity.SemanticScore, found.Match?.Score);

                // Whether the decision refused the nearest candidate; not why, which quotes both prompts.
                span.SetTag(LlmCacheActivity.SemanticRefused, found.Refusal is not null);
            }

            return found;
        }
        catch (Exception ex) when (ex is not (ArgumentException or LlmCacheAccessDeniedException) && !cancellationToken.IsCancellationRequested)
        {
            Log.CacheUnavailable(logger, "semantic lookup", prompt.Key.ToGrainKey(), ex.Message, ex);
            if (span is not null)
            {
                LlmCacheActivity.Fail(span, ex);
            }

            return null;
        }
    }

    /// <summary>Adds a newly stored entry to its scope's index; a failure only costs future semantic hits.</summary>
    public async Task RegisterAsync(SemanticPrompt prompt, float[]? vector, TimeSpan? timeToLive)
    {
        if (embedder is not null && (vector ??= await EmbedQuietlyAsync(prompt, "semantic registration", CancellationToken.None)) is null)
        {
            return;
        }

        try
        {
            var registration = embedder is null
                ? new SemanticRegistration(prompt, vector, timeToLive)
                : new SemanticRegistration(embedder.InModelScope(prompt, vector!.Length), vector, timeToLive) { Embedder = embedder.ModelId };
            await Worker.RegisterAsync(registration).WaitAsync(Timeout, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not (ArgumentException or LlmCacheAccessDeniedException))
        {
            Log.CacheUnavailable(logger, "semantic registration", prompt.Key.ToGrainKey(), ex.Message, ex);
        }
    }

    // The application's model failing costs the semantic hit (or the index entry), never the answer.
    private async Task<float[]?> EmbedQuietlyAsync(SemanticPrompt prompt, string operation, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await embedder!.EmbedAsync(prompt.Text, timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.CacheUnavailable(logger, operation, prompt.Key.ToGrainKey(), $"the embedding generator of model {embedder!.ModelId} failed: {ex.Message}", ex);
            return null;
        }
    }

    /// <summary>
    /// Records <paramref name="verdict"/> on the hit <paramref name="hitId"/> names, in its scope's feedback grain;
    /// <see langword="false"/> for an id that is not one, or that the cluster does not know (any more).
    /// </summary>
    public async Task<bool> ReportAsync(string hitId, SemanticVerdict verdict, CancellationToken cancellationToken)
    {
        if (!SemanticHitId.TryParse(hitId, out var id))
        {
            return false;
        }

        return await grains.GetGrain<ISemanticFeedbackGrain>(id.Scope.ToGrainKey()).ReportAsync(id.Nonce, verdict).WaitAsync(options.OperationTimeout, cancellationToken);
    }

    // A stateless worker: the call runs on the gateway silo that receives it.
    private ISemanticLookupGrain Worker => grains.GetGrain<ISemanticLookupGrain>(0);
}
