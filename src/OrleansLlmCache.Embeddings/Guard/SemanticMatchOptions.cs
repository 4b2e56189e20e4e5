namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>When a near neighbour's cached answer may be reused. The defaults are the shipped ones.</summary>
public sealed class SemanticMatchOptions
{
    /// <summary>The probability target of <see cref="MinimumProbability"/> by default: precision first.</summary>
    public const double DefaultMinimumProbability = 0.4;

    /// <summary>The lowest cosine similarity (of L2-normalised all-MiniLM-L6-v2 vectors) that can be a hit: candidates
    /// below it are never considered.</summary>
    /// <value>Default 0.85, the article's threshold.</value>
    public float Threshold { get; set; } = 0.85f;

    /// <summary>Whether near neighbours above the threshold are checked at all (by the calibrated decision, or by the
    /// guard's rules when <see cref="MinimumProbability"/> is <see langword="null"/>).</summary>
    /// <value>Default <see langword="true"/>. Turning it off lets about one hard negative in five through at 0.85.</value>
    public bool UseGuard { get; set; } = true;

    /// <summary>
    /// The calibrated decision: a candidate above the threshold is a hit when the shipped model's probability that its
    /// answer serves the new prompt is at least this. Higher is stricter (fewer wrong answers, fewer hits).
    /// <see langword="null"/> decides by the guard's rules alone, the first one that fires refusing.
    /// </summary>
    /// <value>Default <see cref="DefaultMinimumProbability"/>.</value>
    public double? MinimumProbability { get; set; } = DefaultMinimumProbability;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (!float.IsFinite(Threshold) || Threshold is <= 0 or > 1)
        {
            throw new ArgumentException($"Threshold must be above 0 and at most 1; got {Threshold}.", nameof(Threshold));
        }

        if (MinimumProbability is { } probability && (!double.IsFinite(probability) || probability is < 0 or >= 1))
        {
            throw new ArgumentException($"MinimumProbability must be at least 0 and below 1; got {probability}.", nameof(MinimumProbability));
        }
    }
}
