namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>The persisted version of one dependency key.</summary>
[GenerateSerializer, Alias("llmcache.DependencyState")]
public sealed class DependencyState
{
    /// <summary>The current version; 0 until the first invalidation.</summary>
    [Id(0)] public long Version { get; set; }
}
