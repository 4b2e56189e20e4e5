namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>How well the cache's hit decision matched the labels: a hit on a same-meaning pair is a true positive.</summary>
/// <param name="TruePositives">Same-meaning pairs that hit (answer correctly reused).</param>
/// <param name="FalsePositives">Different-meaning pairs that hit (a wrong answer served).</param>
/// <param name="FalseNegatives">Same-meaning pairs that missed (a saving lost).</param>
/// <param name="TrueNegatives">Different-meaning pairs that missed.</param>
public sealed record HitDecisionScore(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
{
    /// <summary>Of the hits, the share that served the right answer; 0 when nothing hit.</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>Of the same-meaning pairs, the share that hit; 0 when there are none.</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>The harmonic mean of precision and recall.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>The share of all pairs that hit.</summary>
    public double HitShare => Ratio(TruePositives + FalsePositives, TruePositives + FalsePositives + FalseNegatives + TrueNegatives);

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
