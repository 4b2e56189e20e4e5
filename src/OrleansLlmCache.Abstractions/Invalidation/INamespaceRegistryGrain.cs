namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>The namespaces of one tenant (key: the tenant), the index pattern invalidation searches instead of scanning keys.</summary>
[Alias("llmcache.INamespaceRegistryGrain")]
public interface INamespaceRegistryGrain : IGrainWithStringKey
{
    /// <summary>Records a namespace that has entries.</summary>
    [Alias("Register")]
    Task RegisterAsync(string @namespace);

    /// <summary>Every namespace recorded for the tenant.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();
}
