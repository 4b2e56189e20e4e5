using System.Diagnostics;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Core.Diagnostics;

namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>
/// <see cref="ILlmCache"/> with a span per operation (source <see cref="LlmCacheTelemetry.ActivitySourceName"/>):
/// <c>llmcache.get</c>, <c>llmcache.set</c>, <c>llmcache.remove</c>, <c>llmcache.get_or_create</c>,
/// <c>llmcache.invalidate</c>, <c>llmcache.semantic_feedback</c>. The span carries the key's tenant, namespace and id (a request's SHA-256, never its
/// prompt) and the outcome; <see cref="CacheOutcomeObserver"/> adds the layer that answered and the model. Grain calls
/// made inside it, and the origin call on a miss, are its children. With no listener for the source, each call is
/// passed straight through.
/// </summary>
internal sealed class TracingLlmCache(GrainLlmCache inner) : ILlmCache
{
    public LlmCacheStatistics Statistics => inner.Statistics;

    public CacheKey CreateKey(PromptRequest request, string? tenant = null, string? @namespace = null) => inner.CreateKey(request, tenant, @namespace);

    public CacheKey CreateKey(string id, string? tenant = null, string? @namespace = null) => inner.CreateKey(id, tenant, @namespace);

    public SemanticPrompt CreateSemanticPrompt(PromptRequest request, string? tenant = null, string? @namespace = null) =>
        inner.CreateSemanticPrompt(request, tenant, @namespace);

    public ValueTask<CacheEntry?> GetAsync(CacheKey key, CancellationToken cancellationToken = default) =>
        LlmCacheActivity.Source.HasListeners() ? GetTracedAsync(key, cancellationToken) : inner.GetAsync(key, cancellationToken);

    // The traced paths of reads and writes are methods of their own: a lambda that captures the parameters makes the
    // compiler allocate its closure on entry to the method that declares them, traced or not, and these calls are on
    // every request's path. Invalidations are rare enough to take the closure inline.
    public ValueTask<CacheEntry> SetAsync(CacheKey key, CachedResponse response, LlmCacheEntryOptions? options = null, CancellationToken cancellationToken = default) =>
        LlmCacheActivity.Source.HasListeners() ? SetTracedAsync(key, response, options, cancellationToken) : inner.SetAsync(key, response, options, cancellationToken);

    public ValueTask<bool> RemoveAsync(CacheKey key, CancellationToken cancellationToken = default) =>
        LlmCacheActivity.Source.HasListeners() ? RemoveTracedAsync(key, cancellationToken) : inner.RemoveAsync(key, cancellationToken);

    public ValueTask<LlmCacheResult> GetOrCreateAsync(
        CacheKey key,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        LlmCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default) =>
        LlmCacheActivity.Source.HasListeners()
            ? GetOrCreateTracedAsync(key, factory, options, cancellationToken)
            : inner.GetOrCreateAsync(key, factory, options, cancellationToken);

    public ValueTask<LlmCacheResult> GetOrCreateAsync(
        SemanticPrompt prompt,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        LlmCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return LlmCacheActivity.Source.HasListeners()
            ? GetOrCreateTracedAsync(prompt, factory, options, cancellationToken)
            : inner.GetOrCreateAsync(prompt, factory, options, cancellationToken);
    }

    public ValueTask<bool> ReportSemanticFeedbackAsync(string hitId, bool correct, CancellationToken cancellationToken = default) =>
        LlmCacheActivity.Source.HasListeners() ? ReportTracedAsync(hitId, correct, cancellationToken) : inner.ReportSemanticFeedbackAsync(hitId, correct, cancellationToken);

    public ValueTask<InvalidationResult> InvalidateTagAsync(string tag, string? tenant = null, CancellationToken cancellationToken = default) =>
        LlmCacheActivity.Source.HasListeners()
            ? TraceInvalidationAsync("tag", tenant, () => inner.InvalidateTagAsync(tag, tenant, cancellationToken))
            : inner.InvalidateTagAsync(tag, tenant, cancellationToken);

    public ValueTask<InvalidationResult> InvalidateDependencyAsync(string dependency, string? tenant = null, CancellationToken cancellationToken = default) =>
        LlmCacheActivity.Source.HasListeners()
            ? TraceInvalidationAsync("dependency", tenant, () => inner.InvalidateDependencyAsync(dependency, tenant, cancellationToken))
            : inner.InvalidateDependencyAsync(dependency, tenant, cancellationToken);

    public ValueTask<InvalidationResult> InvalidatePatternAsync(string pattern, string? tenant = null, CancellationToken cancellationToken = default) =>
        LlmCacheActivity.Source.HasListeners()
            ? TraceInvalidationAsync("pattern", tenant, () => inner.InvalidatePatternAsync(pattern, tenant, cancellationToken))
            : inner.InvalidatePatternAsync(pattern, tenant, cancellationToken);

    private ValueTask<CacheEntry> SetTracedAsync(CacheKey key, CachedResponse response, LlmCacheEntryOptions? options, CancellationToken cancellationToken) =>
        TraceAsync("llmcache.set", key, () => inner.SetAsync(key, response, options, cancellationToken), static (_, _) => { });

    private ValueTask<bool> RemoveTracedAsync(CacheKey key, CancellationToken cancellationToken) =>
        TraceAsync("llmcache.remove", key, () => inner.RemoveAsync(key, cancellationToken), static (span, removed) => span.SetTag("llmcache.removed", removed));

    private ValueTask<LlmCacheResult> GetOrCreateTracedAsync(
        CacheKey key, Func<CancellationToken, ValueTask<CachedResponse>> factory, LlmCacheEntryOptions? options, CancellationToken cancellationToken) =>
        TraceAsync("llmcache.get_or_create", key, () => inner.GetOrCreateAsync(key, factory, options, cancellationToken), Outcome);

    private ValueTask<LlmCacheResult> GetOrCreateTracedAsync(
        SemanticPrompt prompt, Func<CancellationToken, ValueTask<CachedResponse>> factory, LlmCacheEntryOptions? options, CancellationToken cancellationToken) =>
        TraceAsync("llmcache.get_or_create", prompt.Key, () => inner.GetOrCreateAsync(prompt, factory, options, cancellationToken), Outcome);

    private async ValueTask<CacheEntry?> GetTracedAsync(CacheKey key, CancellationToken cancellationToken)
    {
        using var span = Start("llmcache.get", key);
        try
        {
            var entry = await inner.GetAsync(key, cancellationToken);
            if (span is not null)
            {
                span.SetTag(LlmCacheActivity.AnswerSource, entry is null ? "miss" : "hit");
                if (entry is not null)
                {
                    span.SetTag(LlmCacheActivity.ResponseModel, entry.Response.Model);
                }
            }

            return entry;
        }
        catch (Exception ex) when (span is not null)
        {
            LlmCacheActivity.Fail(span, ex);
            throw;
        }
    }

    private static async ValueTask<T> TraceAsync<T>(string name, CacheKey key, Func<ValueTask<T>> call, Action<Activity, T> outcome)
    {
        using var span = Start(name, key);
        try
        {
            var result = await call();
            if (span is not null)
            {
                outcome(span, result);
            }

            return result;
        }
        catch (Exception ex) when (span is not null)
        {
            LlmCacheActivity.Fail(span, ex);
            throw;
        }
    }

    private async ValueTask<bool> ReportTracedAsync(string hitId, bool correct, CancellationToken cancellationToken)
    {
        // The hit id is not a tag: it is unbounded and names the caller's scope.
        using var span = LlmCacheActivity.Source.StartActivity("llmcache.semantic_feedback");
        span?.SetTag("llmcache.semantic.correct", correct);
        try
        {
            var known = await inner.ReportSemanticFeedbackAsync(hitId, correct, cancellationToken);
            span?.SetTag("llmcache.semantic.hit_known", known);
            return known;
        }
        catch (Exception ex) when (span is not null)
        {
            LlmCacheActivity.Fail(span, ex);
            throw;
        }
    }

    private static async ValueTask<InvalidationResult> TraceInvalidationAsync(string what, string? tenant, Func<ValueTask<InvalidationResult>> call)
    {
        using var span = LlmCacheActivity.Source.StartActivity("llmcache.invalidate");
        span?.SetTag("llmcache.invalidation.kind", what);
        if (tenant is not null)
        {
            span?.SetTag(LlmCacheActivity.Tenant, tenant);
        }

        try
        {
            var result = await call();
            span?.SetTag("llmcache.invalidation.entries_reached", result.EntriesReached);
            if (result.Failures.Count > 0)
            {
                span?.SetStatus(ActivityStatusCode.Error, $"{result.Failures.Count} part(s) not done");
            }

            return result;
        }
        catch (Exception ex) when (span is not null)
        {
            LlmCacheActivity.Fail(span, ex);
            throw;
        }
    }

    private static Activity? Start(string name, CacheKey key)
    {
        var span = LlmCacheActivity.Source.StartActivity(name);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(LlmCacheActivity.Tenant, key.Tenant);
            span.SetTag(LlmCacheActivity.Namespace, key.Namespace);
            span.SetTag(LlmCacheActivity.KeyId, key.Id);
        }

        return span;
    }

    private static void Outcome(Activity span, LlmCacheResult result)
    {
        ResultTags.Tag(span, result);
        if (result.Source == LlmCacheSource.OriginCacheUnavailable)
        {
            // Answered, but without the cache: an error an operator wants to see, though the caller got its answer.
            span.SetStatus(ActivityStatusCode.Error, "the cluster could not be reached; the origin answered (fail open)");
        }
    }
}
