using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;

namespace OrleansLlmCache.Client.Semantic;

/// <summary>
/// The client's side of the semantic cache: decides whether a request uses it, and calls the silos' lookup worker,
/// which embeds, searches, guards and checks liveness next to the model. Failures cost the semantic hit, never the answer;
/// a refused access key is configuration, not a failure, and reaches the caller.
/// </summary>
internal sealed class SemanticLookup(IGrainFactory grains, LlmCacheOptions options, ILogger logger)
{
    private readonly SemanticCacheOptions _options = options.Semantic;

    /// <summary>Whether semantic matching applies: the request's own switch, else its namespace's policy, else the namespace patterns.</summary>
    public bool IsEnabled(string @namespace, LlmCacheEntryOptions? entryOptions) =>
        entryOptions?.Semantic
        ?? Policies.NamespacePolicies.Resolve(options, @namespace)?.Semantic
        ?? _options.Namespaces.Any(pattern => InvalidationPattern.Matches(pattern, @namespace));

    /// <summary>A live semantic hit, or a miss with the prompt's vector; <see langword="null"/> when the cluster failed.</summary>
    public async Task<SemanticLookupResult?> FindAsync(SemanticPrompt prompt, CancellationToken cancellationToken)
    {
        try
        {
            var policy = Policies.NamespacePolicies.Resolve(options, prompt.Key.Namespace);
            var threshold = policy?.SemanticThreshold ?? _options.Threshold;
            var query = new SemanticQuery(prompt, threshold, _options.UseGuard, _options.Candidates)
            {
                MinimumProbability = _options.Decision == SemanticDecision.Rules ? null : policy?.SemanticMinimumProbability ?? _options.MinimumProbability,
            };

            // Embedding may load the model on a silo's first semantic request: allow it a few seconds more than a read.
            return await Worker.FindAsync(query).WaitAsync(options.OperationTimeout + TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception ex) when (ex is not (ArgumentException or LlmCacheAccessDeniedException) && !cancellationToken.IsCancellationRequested)
        {
            Log.CacheUnavailable(logger, "semantic lookup", prompt.Key.ToGrainKey(), ex.Message, ex);
            return null;
        }
    }

    /// <summary>Adds a newly stored entry to its scope's index; a failure only costs future semantic hits.</summary>
    public async Task RegisterAsync(SemanticPrompt prompt, float[]? vector, TimeSpan? timeToLive)
    {
        try
        {
            await Worker.RegisterAsync(new SemanticRegistration(prompt, vector, timeToLive))
                .WaitAsync(options.OperationTimeout + TimeSpan.FromSeconds(5), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not (ArgumentException or LlmCacheAccessDeniedException))
        {
            Log.CacheUnavailable(logger, "semantic registration", prompt.Key.ToGrainKey(), ex.Message, ex);
        }
    }

    // A stateless worker: the call runs on the gateway silo that receives it.
    private ISemanticLookupGrain Worker => grains.GetGrain<ISemanticLookupGrain>(0);
}
