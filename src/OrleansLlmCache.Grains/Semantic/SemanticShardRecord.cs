namespace OrleansLlmCache.Grains.Semantic;

/// <summary>One persisted prompt of an index shard.</summary>
[GenerateSerializer, Alias("llmcache.SemanticShardRecord")]
public sealed class SemanticShardRecord
{
    /// <summary>The grain key of the cache entry that holds the answer.</summary>
    [Id(0)] public string EntryKey { get; set; } = string.Empty;

    /// <summary>The cached prompt.</summary>
    [Id(1)] public string Prompt { get; set; } = string.Empty;

    /// <summary>The int8 components of the vector, as bytes (two's complement): base64 in JSON.</summary>
    [Id(2)] public byte[] Vector { get; set; } = [];

    /// <summary>The factor that turns the int8 components back into the unit vector.</summary>
    [Id(3)] public float Scale { get; set; }

    /// <summary>When the entry expires; <see langword="null"/> for never.</summary>
    [Id(4)] public DateTimeOffset? ExpiresAt { get; set; }
}
