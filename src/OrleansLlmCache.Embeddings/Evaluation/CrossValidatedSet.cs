namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>One data set under cross-validation: its pairs scored fold by fold, each by a model trained without that fold.</summary>
/// <param name="Name">The data set.</param>
/// <param name="Folds">The scores on each held-out fold.</param>
/// <param name="Pairs">Every pair with its out-of-fold probability: the input of a precision-recall curve or a calibration table.</param>
public sealed record CrossValidatedSet(string Name, IReadOnlyList<FoldScore> Folds, IReadOnlyList<ScoredPair> Pairs)
{
    /// <summary>The mean and spread over folds of a figure, such as <c>f =&gt; f.Calibrated.Precision</c>.</summary>
    public Spread Summarise(Func<FoldScore, double> figure) => Spread.Of([.. Folds.Select(figure)]);

    /// <summary>True when every pair is labelled same-meaning: only recall means anything.</summary>
    public bool AllSameMeaning => Pairs.All(p => p.Pair.SameMeaning);
}
