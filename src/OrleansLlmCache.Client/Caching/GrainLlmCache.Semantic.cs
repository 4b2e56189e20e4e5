using System.Diagnostics;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Semantic;

namespace OrleansLlmCache.Client.Caching;

/// <summary>The semantic lookup path of <see cref="GrainLlmCache"/>, kept apart from the exact path it wraps.</summary>
internal sealed partial class GrainLlmCache
{
    private SemanticLookup? _semantic;

    private SemanticVerifier? _verifier;

    private SemanticLookup Semantic => _semantic ??= new SemanticLookup(grains, _options, ApplicationEmbedder.Resolve(services, _options), logger);

    private SemanticVerifier Verifier => _verifier ??= new SemanticVerifier(services, _options, Semantic, observer, logger);

    public SemanticPrompt CreateSemanticPrompt(PromptRequest request, string? tenant = null, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SemanticPrompt.For(request, tenant ?? _tenant, @namespace ?? _namespace);
    }

    public async ValueTask<LlmCacheResult> GetOrCreateAsync(
        SemanticPrompt prompt,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        LlmCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(factory);
        prompt.Validate();
        if (!Semantic.IsEnabled(prompt.Key.Namespace, options))
        {
            return await GetOrCreateAsync(prompt.Key, factory, options, cancellationToken);
        }

        if (options is { ForceRefresh: true })
        {
            // No read, semantic or exact: the origin answers, and its answer joins the index as any new one does.
            return await StoreAndRegisterAsync(prompt, factory, options, vector: null, cancellationToken);
        }

        // Exact first: an exact hit needs no embedding and is always right.
        var started = Stopwatch.GetTimestamp();
        var threshold = resolve.RefreshThreshold(prompt.Key, options);
        var refreshDue = false;
        var exact = options is not { SkipL1Read: true } && l1.TryGet(prompt.Key, threshold, out refreshDue) is { } local
            ? (Entry: local, Layer: CacheLayer.L1)
            : (Entry: await GetFromClusterAsync(prompt.Key, cancellationToken, options), Layer: CacheLayer.Silo);
        if (exact.Entry is { } hit)
        {
            var exactElapsed = Stopwatch.GetElapsedTime(started);
            observer.OnHit(prompt.Key, exact.Layer == CacheLayer.Silo && hit.LoadedFromStorage ? CacheLayer.Storage : exact.Layer, exactElapsed, hit.Response);
            if (refreshDue)
            {
                Refresh(prompt.Key, threshold, factory, options);
            }
            else if (exact.Layer == CacheLayer.Silo)
            {
                RefreshIfDue(prompt.Key, hit, threshold, factory, options);
            }

            return new LlmCacheResult(hit.Response, LlmCacheSource.Hit, exactElapsed) { StoredAt = hit.CreatedAt };
        }

        // Not connected yet (background connection): no semantic lookup, the exact path below fails open.
        var found = readiness.IsReady ? await Semantic.FindAsync(prompt, cancellationToken) : null;
        if (found is { Entry: not null, Match: { } candidateMatch }
            && Verifier.AppliesTo(prompt.Key.Namespace)
            && !await Verifier.AcceptsAsync(prompt, candidateMatch, cancellationToken))
        {
            // Refused by the application's verifier: a miss like any other (the prompt is embedded again to register it).
            return await StoreAndRegisterAsync(prompt, factory, options, vector: null, cancellationToken);
        }

        if (found is { Entry: { } entry, Match: { } match })
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            observer.OnHit(prompt.Key, CacheLayer.Semantic, elapsed, entry.Response);
            return new LlmCacheResult(entry.Response, LlmCacheSource.SemanticHit, elapsed, match) { StoredAt = entry.CreatedAt };
        }

        // A miss: the exact path (single-flight lease, origin call, store); then the new entry joins its scope's index.
        return await StoreAndRegisterAsync(prompt, factory, options, found?.Vector, cancellationToken);
    }

    public async ValueTask<bool> ReportSemanticFeedbackAsync(string hitId, bool correct, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hitId);
        try
        {
            return await Semantic.ReportAsync(hitId, correct ? SemanticVerdict.Correct : SemanticVerdict.Wrong, cancellationToken);
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
        {
            observer.OnError();
            throw new LlmCacheUnavailableException($"Could not record feedback on semantic hit {hitId}: {ClusterFailures.Describe(ex)}", ClusterFailures.Cause(ex));
        }
    }

    private async ValueTask<LlmCacheResult> StoreAndRegisterAsync(
        SemanticPrompt prompt, Func<CancellationToken, ValueTask<CachedResponse>> factory, LlmCacheEntryOptions? options, float[]? vector, CancellationToken cancellationToken)
    {
        var result = await GetOrCreateAsync(prompt.Key, factory, options, cancellationToken);
        if (result.Source == LlmCacheSource.Origin && options is not { ReadOnly: true } && readiness.IsReady)
        {
            await Semantic.RegisterAsync(prompt, vector, WriteOptions(prompt.Key, options).TimeToLive);
        }

        return result;
    }
}
