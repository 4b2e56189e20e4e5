namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>When a near neighbour's cached answer may be reused. The defaults are the shipped ones.</summary>
public sealed class SemanticMatchOptions
{
    /// <summary>The lowest cosine similarity (of L2-normalised all-MiniLM-L6-v2 vectors) that can be a hit.</summary>
    /// <value>Default 0.85, the article's threshold.</value>
    public float Threshold { get; set; } = 0.85f;

    /// <summary>Whether <see cref="SemanticPrecisionGuard"/> checks near neighbours above the threshold.</summary>
    /// <value>Default <see langword="true"/>. Turning it off lets about one hard negative in five through at 0.85.</value>
    public bool UseGuard { get; set; } = true;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (!float.IsFinite(Threshold) || Threshold is <= 0 or > 1)
        {
            throw new ArgumentException($"Threshold must be above 0 and at most 1; got {Threshold}.", nameof(Threshold));
        }
    }
}
