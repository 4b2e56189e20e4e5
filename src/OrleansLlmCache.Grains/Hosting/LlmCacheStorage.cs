namespace OrleansLlmCache.Grains.Hosting;

/// <summary>Names of the grain storage providers the cache's grains use.</summary>
public static class LlmCacheStorage
{
    /// <summary>The grain storage every cache grain persists to: memory on the embedded default, PostgreSQL in production.</summary>
    public const string Name = "llmcache";
}
