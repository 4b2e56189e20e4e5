namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>The hub's persisted state: the broadcast counter, so it never goes back after a restart of the hub's silo.</summary>
[GenerateSerializer, Alias("llmcache.InvalidationHubState")]
public sealed class InvalidationHubState
{
    /// <summary>The number of the last broadcast.</summary>
    [Id(0)] public long Sequence { get; set; }
}
