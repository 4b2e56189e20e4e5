namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>A cached prompt near a query, as one index shard found it.</summary>
/// <param name="EntryKey">The grain key of the cache entry (<c>{tenant}/{namespace}/{id}</c>).</param>
/// <param name="Prompt">The cached prompt.</param>
/// <param name="Score">Cosine similarity to the query.</param>
/// <param name="Shard">The shard that holds it (to remove it when its entry turns out dead).</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticCandidate")]
public sealed record SemanticCandidate(
    [property: Id(0)] string EntryKey,
    [property: Id(1)] string Prompt,
    [property: Id(2)] float Score,
    [property: Id(3)] int Shard);
