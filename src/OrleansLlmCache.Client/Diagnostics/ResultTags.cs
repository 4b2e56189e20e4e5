using System.Diagnostics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Core.Diagnostics;

namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>How a span says where an answer came from: the cache's own spans, and the caller's span the chat middleware tags.</summary>
internal static class ResultTags
{
    public static void Tag(Activity span, LlmCacheResult result)
    {
        span.SetTag(LlmCacheActivity.AnswerSource, SourceName(result.Source));
        if (result.Semantic is { } match)
        {
            span.SetTag(LlmCacheActivity.SemanticScore, match.Score);
        }
    }

    /// <summary>The attribute value of <paramref name="source"/>: <c>hit</c>, <c>coalesced</c>, <c>origin</c>, <c>origin_cache_unavailable</c>, <c>semantic_hit</c>, <c>stale</c>.</summary>
    public static string SourceName(LlmCacheSource source) => source switch
    {
        LlmCacheSource.Hit => "hit",
        LlmCacheSource.Coalesced => "coalesced",
        LlmCacheSource.Origin => "origin",
        LlmCacheSource.OriginCacheUnavailable => "origin_cache_unavailable",
        LlmCacheSource.SemanticHit => "semantic_hit",
        LlmCacheSource.Stale => "stale",
        _ => source.ToString().ToLowerInvariant(),
    };
}
