using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Whether the cluster client can be used yet. Always ready with a client the app started itself; with
/// <see cref="BackgroundClusterClient"/>, ready once it has connected. Before that, cache calls fail open at once
/// instead of reaching into a client that does not know the cluster yet.
/// </summary>
internal sealed class ClusterReadiness(Func<bool>? isReady = null)
{
    public bool IsReady => isReady?.Invoke() ?? true;

    /// <summary>Throws <see cref="LlmCacheUnavailableException"/> while the client has not connected.</summary>
    public void Ensure()
    {
        if (!IsReady)
        {
            throw new LlmCacheUnavailableException("The LLM cache cluster has not been reached yet; the client keeps trying in the background.");
        }
    }
}
