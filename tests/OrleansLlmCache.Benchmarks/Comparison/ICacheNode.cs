namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>One app server's view of a cache contender: its own process memory, shared back ends.</summary>
internal interface ICacheNode : IAsyncDisposable
{
    /// <summary>The cached value, or null.</summary>
    ValueTask<string?> GetAsync(string key);

    /// <summary>The cached value, or the factory's (cached with <paramref name="tag"/>).</summary>
    ValueTask<string> GetOrCreateAsync(string key, string tag, Func<CancellationToken, Task<string>> factory);

    /// <summary>Invalidates every entry tagged <paramref name="tag"/>, the way the contender documents it.</summary>
    Task InvalidateTagAsync(string tag);
}
