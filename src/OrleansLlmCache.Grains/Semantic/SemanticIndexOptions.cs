namespace OrleansLlmCache.Grains.Semantic;

/// <summary>Silo-side settings of the semantic index (configuration section <c>LlmCache:Semantic</c>).</summary>
public sealed class SemanticIndexOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Semantic";

    /// <summary>
    /// The most prompts one shard holds; a scope opens another shard when its shards are full, and searches them in
    /// parallel. Default: 20,000 (about 8 MB of vectors and a scan of about 0.4 ms a shard on one core).
    /// </summary>
    public int MaxVectorsPerShard { get; set; } = 20_000;

    /// <summary>
    /// How long a shard may hold additions before writing them to storage. A shard lost before it writes loses
    /// semantic hits, never correctness (every hit is checked against its live entry). Default: 5 seconds.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most candidates one lookup may ask for. Default: 32.</summary>
    public int MaxCandidates { get; set; } = 32;
}
