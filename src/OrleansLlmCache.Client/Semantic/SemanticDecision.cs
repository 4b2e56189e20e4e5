namespace OrleansLlmCache.Client.Semantic;

/// <summary>How the semantic cache decides whether a near neighbour's cached answer may be served.</summary>
public enum SemanticDecision
{
    /// <summary>
    /// A small model (shipped with the silos) turns the cosine similarity and the guard's signals into the probability
    /// that the cached answer serves the new prompt; a hit needs <see cref="SemanticCacheOptions.MinimumProbability"/>.
    /// </summary>
    Calibrated = 0,

    /// <summary>The guard's veto rules alone: any rule that fires refuses (the behaviour before the calibrated decision).</summary>
    Rules = 1,
}
