namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Whether a cached answer may be reused for a new prompt, and why not when it may not.</summary>
/// <param name="IsHit">True when the cached answer may be served.</param>
/// <param name="Similarity">The cosine similarity of the two prompts.</param>
/// <param name="Reason">The rule that refused the match, or <see cref="GuardReason.None"/> for a hit.</param>
/// <param name="Explanation">One line a hit report can show, such as "numbers differ: '4' (new) vs '8' (cached)"; empty for a hit.</param>
public sealed record SemanticMatchDecision(bool IsHit, float Similarity, GuardReason Reason, string Explanation)
{
    /// <summary>The calibrated decision's probability that the cached answer serves the new prompt; <see langword="null"/>
    /// when the rules alone decided, or the similarity was below the threshold.</summary>
    public double? Probability { get; init; }
}
