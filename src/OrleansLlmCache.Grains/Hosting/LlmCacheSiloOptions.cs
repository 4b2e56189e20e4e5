namespace OrleansLlmCache.Grains.Hosting;

/// <summary>
/// How a silo joins its cluster (configuration section <c>LlmCache:Silo</c>; environment variables such as
/// <c>LlmCache__Silo__GatewayPort=30001</c> override it):
/// <code>
/// "LlmCache": { "Silo": { "ClusterId": "llmcache-dev", "ServiceId": "llmcache", "SiloPort": 11111, "GatewayPort": 30000 } }
/// </code>
/// </summary>
public sealed class LlmCacheSiloOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Silo";

    /// <summary>The cluster id; silos and clients of one cluster share it. Default: <c>llmcache-dev</c>.</summary>
    public string ClusterId { get; set; } = "llmcache-dev";

    /// <summary>The service id; stable across deployments because storage is keyed by it. Default: <c>llmcache</c>.</summary>
    public string ServiceId { get; set; } = "llmcache";

    /// <summary>Port for silo-to-silo traffic. Default: 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to. Default: 30000.</summary>
    public int GatewayPort { get; set; } = 30000;
}
