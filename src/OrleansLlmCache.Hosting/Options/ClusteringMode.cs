namespace OrleansLlmCache.Hosting.Options;

/// <summary>How silos find each other.</summary>
public enum ClusteringMode
{
    /// <summary>A single silo on 127.0.0.1 (the embedded default).</summary>
    Localhost,

    /// <summary>Membership in Redis (<c>ConnectionStrings:Redis</c>): several silos on several hosts.</summary>
    Redis,
}
