using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>Why a semantic hit was served, so that it can be audited: which cached prompt answered, and how close it was.</summary>
/// <param name="EntryKey">The key of the entry whose answer was served.</param>
/// <param name="MatchedPrompt">The cached prompt it was stored for.</param>
/// <param name="Score">The cosine similarity of the two prompts (int8-quantised vectors: within about 0.003 of float).</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticMatch")]
public sealed record SemanticMatch(
    [property: Id(0)] CacheKey EntryKey,
    [property: Id(1)] string MatchedPrompt,
    [property: Id(2)] float Score)
{
    /// <summary>
    /// The id to report whether the answer was right with (<c>ILlmCache.ReportSemanticFeedbackAsync</c>): opaque,
    /// unguessable, and known to the cluster for a day or the scope's last 10,000 hits by default.
    /// <see langword="null"/> from a silo of an earlier version, or when the silo could not record the hit.
    /// </summary>
    [Id(3)]
    public string? HitId { get; init; }
}
