namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>The result of <see cref="SemanticCrossValidator.RunAsync"/>.</summary>
/// <param name="Folds">The number of folds.</param>
/// <param name="Threshold">The cosine threshold of all three decisions.</param>
/// <param name="MinimumProbability">The calibrated decision's probability target.</param>
/// <param name="TrainingPairs">The pairs trained on per fold, on average (public, generated and mined).</param>
/// <param name="Sets">Each input file, then the mined related-question pairs.</param>
public sealed record CrossValidation(int Folds, float Threshold, double MinimumProbability, int TrainingPairs, IReadOnlyList<CrossValidatedSet> Sets);
