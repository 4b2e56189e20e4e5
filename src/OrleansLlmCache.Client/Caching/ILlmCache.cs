using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Diagnostics;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The LLM response cache as an app server sees it. Register it with
/// <c>services.AddOrleansLlmCache()</c> next to an Orleans client (or inside a silo).
/// </summary>
public interface ILlmCache
{
    /// <summary>Client-side hit/miss counts and times since start.</summary>
    LlmCacheStatistics Statistics { get; }

    /// <summary>The key of a five-field request in the configured (or the given) tenant and namespace.</summary>
    /// <exception cref="ArgumentException">A field of the request, the tenant or the namespace is not valid; the message names it.</exception>
    CacheKey CreateKey(PromptRequest request, string? tenant = null, string? @namespace = null);

    /// <summary>The key of an application-chosen id (or a hash computed elsewhere) in the configured (or the given) tenant and namespace.</summary>
    /// <exception cref="ArgumentException">The id, the tenant or the namespace is not valid; the message names it.</exception>
    CacheKey CreateKey(string id, string? tenant = null, string? @namespace = null);

    /// <summary>The live entry for <paramref name="key"/>, or <see langword="null"/> on a miss or when the cluster cannot be reached in time.</summary>
    ValueTask<CacheEntry?> GetAsync(CacheKey key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="response"/> under <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key, response or time to live is not valid.</exception>
    /// <exception cref="LlmCacheUnavailableException">The cluster could not store it.</exception>
    ValueTask<CacheEntry> SetAsync(CacheKey key, CachedResponse response, LlmCacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry; returns whether a live one was there.</summary>
    /// <exception cref="LlmCacheUnavailableException">The cluster could not be reached.</exception>
    ValueTask<bool> RemoveAsync(CacheKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the cached response for <paramref name="key"/>, or calls <paramref name="factory"/> once across the whole
    /// cluster and caches its result: concurrent callers of the same key wait for that one call. A factory that throws
    /// or is cancelled caches nothing and lets a waiting caller take over. If the cluster cannot be reached, the factory
    /// is called directly (fail open).
    /// </summary>
    ValueTask<LlmCacheResult> GetOrCreateAsync(
        CacheKey key,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        LlmCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>The semantic form (exact key, scope, prompt text) of a five-field request in the configured (or the given) tenant and namespace.</summary>
    /// <exception cref="ArgumentException">A field of the request, the tenant or the namespace is not valid; the message names it.</exception>
    SemanticPrompt CreateSemanticPrompt(PromptRequest request, string? tenant = null, string? @namespace = null);

    /// <summary>
    /// Like <see cref="GetOrCreateAsync(CacheKey, Func{CancellationToken, ValueTask{CachedResponse}}, LlmCacheEntryOptions?, CancellationToken)"/>
    /// on <see cref="SemanticPrompt.Key"/>, and where semantic matching is on (its namespace, or
    /// <see cref="LlmCacheEntryOptions.Semantic"/>): after an exact miss, the answer of a similar prompt in the same scope
    /// (same tenant, namespace, model, system prompt and parameters) that passes the threshold and the precision guard
    /// and is still live is returned as <see cref="LlmCacheSource.SemanticHit"/>, with <see cref="LlmCacheResult.Semantic"/>
    /// saying which prompt matched and how closely. A new answer is stored under the exact key and added to the scope's index.
    /// </summary>
    ValueTask<LlmCacheResult> GetOrCreateAsync(
        SemanticPrompt prompt,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        LlmCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Records whether the answer of a semantic hit (<see cref="SemanticMatch.HitId"/>) served its prompt. Reports are
    /// counted per namespace in the cluster statistics and, where a maximum error rate is set
    /// (<c>LlmCache:Client:Semantic:MaxErrorRate</c>), raise or lower the scope's acceptance bar. A hit may be reported on
    /// once (later reports are accepted and change nothing) for a day by default, or until its scope's 10,000 newer hits push it out.
    /// </summary>
    /// <returns><see langword="true"/> when the hit was known; <see langword="false"/> for an id that is not a hit id, or one the cluster does not know (any more).</returns>
    /// <exception cref="LlmCacheAccessDeniedException">The access key does not reach the hit's tenant.</exception>
    /// <exception cref="LlmCacheUnavailableException">The cluster could not be reached; nothing was recorded.</exception>
    ValueTask<bool> ReportSemanticFeedbackAsync(string hitId, bool correct, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes every entry tagged <paramref name="tag"/> miss on every silo and app server from the moment this returns,
    /// and removes them from storage in the background.
    /// </summary>
    /// <exception cref="LlmCacheUnavailableException">The cluster could not be reached; nothing is known to be invalidated.</exception>
    ValueTask<InvalidationResult> InvalidateTagAsync(string tag, string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>Bumps the version of <paramref name="dependency"/>: every entry built against an older version misses from the moment this returns.</summary>
    /// <exception cref="LlmCacheUnavailableException">The cluster could not be reached; nothing is known to be invalidated.</exception>
    ValueTask<InvalidationResult> InvalidateDependencyAsync(string dependency, string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Invalidates every namespace matching <paramref name="pattern"/>: <c>content:*</c> (a prefix), <c>support</c>
    /// (one namespace) or <c>*</c> (all). Other forms are refused; see <see cref="InvalidationPattern"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The pattern is not a supported form.</exception>
    /// <exception cref="LlmCacheUnavailableException">The cluster could not be reached; nothing is known to be invalidated.</exception>
    ValueTask<InvalidationResult> InvalidatePatternAsync(string pattern, string? tenant = null, CancellationToken cancellationToken = default);
}
