using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>What the cache decided for one labelled pair, with the guard on.</summary>
public sealed record PairDecision(SemanticPair Pair, SemanticMatchDecision Decision)
{
    /// <summary>True when the decision agrees with the label.</summary>
    public bool IsCorrect => Decision.IsHit == Pair.SameMeaning;
}
