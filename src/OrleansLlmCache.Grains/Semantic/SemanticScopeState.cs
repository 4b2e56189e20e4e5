namespace OrleansLlmCache.Grains.Semantic;

/// <summary>The persisted shape of a scope's directory. Stored as camelCase JSON: add properties, never rename them.</summary>
[GenerateSerializer, Alias("llmcache.SemanticScopeState")]
public sealed class SemanticScopeState
{
    /// <summary>How many shards the scope has (shards 0 to <c>ShardCount - 1</c>).</summary>
    [Id(0)] public int ShardCount { get; set; }
}
