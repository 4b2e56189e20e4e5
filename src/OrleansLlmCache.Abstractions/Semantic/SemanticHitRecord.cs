namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>A semantic hit as its scope's feedback grain keeps it until it is reported on or forgotten.</summary>
/// <param name="Nonce">The random part of its <see cref="SemanticHitId"/>.</param>
/// <param name="Namespace">The namespace of the prompt that was answered (the statistics count feedback per namespace).</param>
/// <param name="Probability">The calibrated decision's probability for the pair; <see langword="null"/> when the guard's rules decided.</param>
/// <param name="Score">The cosine similarity of the pair.</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticHitRecord")]
public sealed record SemanticHitRecord(
    [property: Id(0)] string Nonce,
    [property: Id(1)] string Namespace,
    [property: Id(2)] double? Probability,
    [property: Id(3)] float Score);
