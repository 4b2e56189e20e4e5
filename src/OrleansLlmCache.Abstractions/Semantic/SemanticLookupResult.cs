using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>The answer of <see cref="ISemanticLookupGrain.FindAsync"/>.</summary>
/// <param name="Entry">The live entry that answers the prompt, or <see langword="null"/> on a miss.</param>
/// <param name="Match">With a hit: the cached prompt that matched and its score.</param>
/// <param name="Vector">With a miss: the prompt's embedding, to pass back to <see cref="ISemanticLookupGrain.RegisterAsync"/> so it is not embedded twice.</param>
/// <param name="Refusal">
/// With a miss: why the nearest candidate above the threshold was refused, such as
/// <c>numbers differ: '4' (new) vs '8' (cached)</c>; <see langword="null"/> when none came above the threshold.
/// </param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticLookupResult")]
public sealed record SemanticLookupResult(
    [property: Id(0)] CacheEntry? Entry,
    [property: Id(1)] SemanticMatch? Match,
    [property: Id(2)] float[]? Vector,
    [property: Id(3)] string? Refusal = null);
