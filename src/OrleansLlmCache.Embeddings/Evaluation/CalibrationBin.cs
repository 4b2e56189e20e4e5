namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>Pairs whose predicted probability falls in [<paramref name="From"/>, <paramref name="To"/>): how often they
/// really were the same meaning, against how often the model said they would be.</summary>
/// <param name="From">The bin's lowest probability.</param>
/// <param name="To">The bin's upper bound (exclusive, except 1 for the last bin).</param>
/// <param name="Pairs">The pairs in the bin.</param>
/// <param name="Predicted">Their mean predicted probability.</param>
/// <param name="Observed">The share of them labelled same-meaning.</param>
public sealed record CalibrationBin(double From, double To, int Pairs, double Predicted, double Observed);
