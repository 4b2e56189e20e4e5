namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>A named file of labelled pairs, such as <c>langcache-dev.csv</c>.</summary>
/// <param name="Name">What the figures are reported under.</param>
/// <param name="Pairs">The pairs.</param>
public sealed record SemanticPairSet(string Name, IReadOnlyList<SemanticPair> Pairs);
