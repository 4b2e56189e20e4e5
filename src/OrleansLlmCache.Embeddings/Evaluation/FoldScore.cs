namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>The three decisions' scores on one held-out fold.</summary>
/// <param name="Cosine">Hit = cosine at least the threshold.</param>
/// <param name="Rules">Hit = cosine at least the threshold and none of the guard's rules refuses.</param>
/// <param name="Calibrated">Hit = cosine at least the threshold and the calibrated probability at least the target.</param>
public sealed record FoldScore(HitDecisionScore Cosine, HitDecisionScore Rules, HitDecisionScore Calibrated);
