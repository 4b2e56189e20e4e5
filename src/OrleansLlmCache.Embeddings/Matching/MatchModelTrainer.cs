using OrleansLlmCache.Embeddings.Evaluation;

namespace OrleansLlmCache.Embeddings.Matching;

/// <summary>The training recipe of the shipped <see cref="MatchModel"/>, used alike for each cross-validation fold and
/// for the model that ships, so the cross-validated figures describe the shipped recipe.</summary>
internal static class MatchModelTrainer
{
    /// <summary>Pairs below this cosine never reach the decision (no threshold is set this low), so they teach it nothing.</summary>
    public const float MinimumSimilarity = 0.5f;

    /// <summary>How much a generated pair counts against a public one: there are many more of them, and they are cleaner
    /// than real traffic.</summary>
    public const double PerturbationWeight = 0.5;

    /// <summary>The ridge penalty on standardised weights.</summary>
    public const double L2 = 1.0;

    public static MatchModel Fit(IEnumerable<TrainingPair> pairs, string trainedOn)
    {
        var used = pairs.Where(p => p.Similarity >= MinimumSimilarity).ToList();
        var weights = used.Select(p => p.Source == TrainingPairSource.Perturbation ? PerturbationWeight : 1.0).ToArray();

        // Equal total weight for both labels, so the probability does not lean on how many negatives were generated.
        var positive = used.Select((p, i) => p.Pair.SameMeaning ? weights[i] : 0).Sum();
        var negative = used.Select((p, i) => p.Pair.SameMeaning ? 0 : weights[i]).Sum();
        for (var i = 0; i < used.Count; i++)
        {
            weights[i] *= used[i].Pair.SameMeaning ? (positive + negative) / (2 * positive) : (positive + negative) / (2 * negative);
        }

        return LogisticRegression.Fit([.. used.Select(p => p.Signals.Values)], [.. used.Select(p => p.Pair.SameMeaning)], weights, L2, trainedOn);
    }
}
