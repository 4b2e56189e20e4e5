namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>The result of <see cref="SemanticEvaluator.EvaluateAsync"/>: the same pairs scored with the guard on and off.</summary>
/// <param name="Threshold">The cosine threshold used for both.</param>
/// <param name="WithGuard">Hit = cosine at least the threshold and the precision guard passes (the shipped behaviour).</param>
/// <param name="WithoutGuard">Hit = cosine at least the threshold (plain semantic caching, for comparison).</param>
/// <param name="Decisions">Each pair's guarded decision, in input order, for audits.</param>
public sealed record SemanticEvaluation(float Threshold, HitDecisionScore WithGuard, HitDecisionScore WithoutGuard, IReadOnlyList<PairDecision> Decisions)
{
    /// <summary>The number of pairs.</summary>
    public int Pairs => Decisions.Count;

    /// <summary>True when every pair is labelled same-meaning (as in GPTCache's paraphrase file): only recall and hit share mean anything.</summary>
    public bool AllSameMeaning => Decisions.All(d => d.Pair.SameMeaning);
}
