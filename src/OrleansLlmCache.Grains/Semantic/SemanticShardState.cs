namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// The persisted shape of one index shard. Stored as camelCase JSON by the PostgreSQL storage: vectors are int8 bytes
/// (base64 in JSON), not float lists. Add properties, never rename them.
/// </summary>
[GenerateSerializer, Alias("llmcache.SemanticShardState")]
public sealed class SemanticShardState
{
    /// <summary>The vectors' dimension count (384 for all-MiniLM-L6-v2); 0 while empty.</summary>
    [Id(0)] public int Dimensions { get; set; }

    /// <summary>The prompts the shard holds.</summary>
    [Id(1)] public List<SemanticShardRecord> Records { get; set; } = [];
}
