namespace OrleansLlmCache.Silo.Hosting;

/// <summary>The silo's HTTP paths; deploy/k8s/base/silo-deployment.yaml probes them (a test keeps both in step).</summary>
public static class SiloEndpoints
{
    /// <summary>Liveness: the process is up.</summary>
    public const string AlivePath = "/alive";

    /// <summary>Readiness: the silo is active in the cluster and answers reads; storage trouble shows as Degraded (still 200).</summary>
    public const string HealthPath = "/health";

    /// <summary>Prometheus scrape endpoint: the cache's silo and client meters and Orleans' own.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The Orleans Dashboard.</summary>
    public const string DashboardPath = "/dashboard";

    /// <summary>The cache page: hit rate and savings over time, top namespaces, warming candidates.</summary>
    public const string CachePagePath = "/cache";

    /// <summary>The tag of the checks behind <see cref="HealthPath"/>.</summary>
    public const string ReadyTag = "ready";
}
