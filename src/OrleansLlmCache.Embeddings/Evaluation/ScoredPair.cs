namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>A labelled pair as each decision saw it.</summary>
/// <param name="Pair">The prompts and the label.</param>
/// <param name="Similarity">The cosine similarity of the two prompts.</param>
/// <param name="Probability">The calibrated decision's probability that the cached answer serves the new prompt (under
/// cross-validation, from a model that never saw the pair's group).</param>
/// <param name="RulesPass">True when none of the guard's rules refuses the pair (the threshold aside).</param>
public sealed record ScoredPair(SemanticPair Pair, float Similarity, double Probability, bool RulesPass);
