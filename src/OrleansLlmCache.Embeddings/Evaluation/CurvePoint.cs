namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>One point of a threshold sweep: the decision's score when hits need a score of at least <paramref name="Threshold"/>.</summary>
public sealed record CurvePoint(double Threshold, HitDecisionScore Score);
