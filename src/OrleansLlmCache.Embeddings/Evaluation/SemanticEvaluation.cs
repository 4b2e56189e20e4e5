namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>The result of <see cref="SemanticEvaluator.EvaluateAsync"/>: the same pairs scored by each decision.</summary>
/// <param name="Threshold">The cosine threshold used for all.</param>
/// <param name="WithGuard">Hit = cosine at least the threshold and the configured decision accepts (the calibrated one
/// by default, the shipped behaviour).</param>
/// <param name="WithoutGuard">Hit = cosine at least the threshold (plain semantic caching, for comparison).</param>
/// <param name="Decisions">Each pair's guarded decision, in input order, for audits.</param>
public sealed record SemanticEvaluation(float Threshold, HitDecisionScore WithGuard, HitDecisionScore WithoutGuard, IReadOnlyList<PairDecision> Decisions)
{
    /// <summary>Hit = cosine at least the threshold and none of the guard's rules refuses.</summary>
    public HitDecisionScore WithRules { get; init; } = new(0, 0, 0, 0);

    /// <summary>Each pair with its cosine, the shipped model's probability and the rules' verdict, in input order: the
    /// input of <see cref="DecisionCurves"/>. The shipped model was trained on the public files in the repository, so
    /// figures on those files are not held-out figures (cross-validate for those).</summary>
    public IReadOnlyList<ScoredPair> Scored { get; init; } = [];

    /// <summary>The number of pairs.</summary>
    public int Pairs => Decisions.Count;

    /// <summary>True when every pair is labelled same-meaning (as in GPTCache's paraphrase file): only recall and hit share mean anything.</summary>
    public bool AllSameMeaning => Decisions.All(d => d.Pair.SameMeaning);
}
