namespace OrleansLlmCache.Samples.AppHost;

/// <summary>The names of the AppHost's resources and the cluster's ids, shared with the tests of the app model.</summary>
public static class AppModel
{
    public const string Redis = "redis";
    public const string Postgres = "postgres";
    public const string Database = "cachedb";
    public const string Orleans = "orleans";
    public const string Silo = "silo";
    public const string Cache = "llmcache";
    public const string AppServer = "appserver";

    public const string ClusterId = "llmcache";
    public const string ServiceId = "llmcache";

    /// <summary>Two silos: a cluster whose grains move between them, as in production.</summary>
    public const int SiloReplicas = 2;
}
