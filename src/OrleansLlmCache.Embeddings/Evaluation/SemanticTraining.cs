namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>The result of <see cref="SemanticCrossValidator.TrainAsync"/>: the model file and the pairs it was trained on.</summary>
/// <param name="ModelJson">The model, for <c>src/OrleansLlmCache.Embeddings/Matching/semantic-match-model.json</c>.</param>
/// <param name="GeneratedPairsCsv">The generated and mined pairs (<c>sentence1,sentence2,label,kind,source</c>).</param>
/// <param name="PublicPairs">Public pairs trained on.</param>
/// <param name="GeneratedPairs">Perturbation pairs trained on.</param>
/// <param name="MinedPairs">Mined related-question pairs trained on.</param>
public sealed record SemanticTraining(string ModelJson, string GeneratedPairsCsv, int PublicPairs, int GeneratedPairs, int MinedPairs);
