using Microsoft.Extensions.Configuration;

namespace OrleansLlmCache.Hosting.Options;

/// <summary>
/// The environment variables a Kubernetes Deployment sets on a silo from the downward API (deploy/k8s/base). They
/// are read through configuration, which includes the process environment, so tests can supply them without
/// touching the real environment.
/// </summary>
public static class PodEnvironment
{
    /// <summary>The pod's IP address: the default advertised address with Redis clustering.</summary>
    public const string PodIp = "POD_IP";

    /// <summary>The pod's name: the silo's name in membership, logs and the dashboard.</summary>
    public const string PodName = "POD_NAME";

    /// <summary>
    /// The pod's namespace. The silo does not read it today (membership is in Redis, not the Kubernetes API); the
    /// Deployment sets it so the pod's environment is complete for diagnostics and for Orleans' <c>UseKubernetesHosting</c>.
    /// </summary>
    public const string PodNamespace = "POD_NAMESPACE";

    /// <summary>
    /// Whether the silo runs in a Kubernetes pod, as the Deployment tells it (<c>POD_IP</c> or <c>POD_NAME</c>): a
    /// production silo then, which refuses plain connections to Redis and PostgreSQL unless told otherwise
    /// (<see cref="LlmCacheTlsOptions.AllowPlainBackends"/>).
    /// </summary>
    internal static bool InPod(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[PodIp]) || !string.IsNullOrWhiteSpace(configuration[PodName]);

    /// <summary>
    /// With Redis clustering and no explicit <c>LlmCache:Silo:AdvertisedIPAddress</c>, advertises <c>POD_IP</c>: a
    /// pod's address is only known when it starts, and 127.0.0.1 would make every silo unreachable to the others.
    /// </summary>
    internal static void ApplyDefaults(LlmCacheSiloOptions options, IConfiguration configuration)
    {
        var explicitAddress = configuration[$"{LlmCacheSiloOptions.SectionName}:{nameof(LlmCacheSiloOptions.AdvertisedIPAddress)}"];
        if (options.Clustering == ClusteringMode.Redis
            && string.IsNullOrWhiteSpace(explicitAddress)
            && configuration[PodIp] is { Length: > 0 } podIp)
        {
            options.AdvertisedIPAddress = podIp.Trim();
        }
    }
}
