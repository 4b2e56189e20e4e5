namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>The size of one scope's index.</summary>
/// <param name="Shards">How many shards it has.</param>
/// <param name="Vectors">How many prompts its shards hold (expired ones not yet purged included).</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticScopeInfo")]
public sealed record SemanticScopeInfo(
    [property: Id(0)] int Shards,
    [property: Id(1)] long Vectors);
