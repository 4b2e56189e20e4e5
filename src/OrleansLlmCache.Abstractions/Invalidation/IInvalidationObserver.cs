namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>A silo or app server that keeps copies (dependency versions, L1 entries) coherent with the cluster.</summary>
[Alias("llmcache.IInvalidationObserver")]
public interface IInvalidationObserver : IGrainObserver
{
    /// <summary>Applies a broadcast; returning is the acknowledgement the hub waits for.</summary>
    [Alias("OnInvalidated")]
    Task OnInvalidatedAsync(InvalidationMessage message);
}
