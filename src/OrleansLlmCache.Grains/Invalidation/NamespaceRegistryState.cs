namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>The persisted namespaces of one tenant.</summary>
[GenerateSerializer, Alias("llmcache.NamespaceRegistryState")]
public sealed class NamespaceRegistryState
{
    /// <summary>Namespaces that have had entries.</summary>
    [Id(0)] public HashSet<string> Namespaces { get; set; } = new(StringComparer.Ordinal);
}
