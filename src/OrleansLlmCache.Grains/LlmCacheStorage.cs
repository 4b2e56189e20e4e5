namespace OrleansLlmCache.Grains;

/// <summary>The grain storage the cache's grains persist to; a silo registers a provider under this name.</summary>
public static class LlmCacheStorage
{
    /// <summary>
    /// The grain storage every cache grain persists to: memory on the embedded default
    /// (<c>UseInMemoryLlmCacheStorage</c>), PostgreSQL in production (<c>UsePostgresLlmCacheStorage</c>).
    /// </summary>
    public const string Name = "llmcache";
}
