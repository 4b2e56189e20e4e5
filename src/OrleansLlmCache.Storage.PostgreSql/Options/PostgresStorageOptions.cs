namespace OrleansLlmCache.Storage.PostgreSql.Options;

/// <summary>
/// How a silo keeps the cache's grain state in PostgreSQL (configuration section <c>LlmCache:PostgreSQL</c>; the
/// connection string comes from <c>ConnectionStrings:PostgreSQL</c> unless set here):
/// <code>
/// "LlmCache": { "PostgreSQL": { "ExpirySweepInterval": "00:01:00" } },
/// "ConnectionStrings": { "PostgreSQL": "Host=pg;Port=5432;Database=llmcache;Username=llmcache;Password=...;Maximum Pool Size=20" }
/// </code>
/// </summary>
public sealed class PostgresStorageOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:PostgreSQL";

    /// <summary>The name of the connection string read when <see cref="ConnectionString"/> is not set: <c>ConnectionStrings:PostgreSQL</c>.</summary>
    public const string ConnectionStringName = "PostgreSQL";

    /// <summary>
    /// Connections one silo opens to PostgreSQL at most, unless the connection string sets <c>Maximum Pool Size</c>
    /// itself. Size the server by it: <c>max_connections</c> must exceed silos x pool size (plus whatever else
    /// connects), so PostgreSQL's default of 100 holds four silos with room for an operator.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>
    /// The connection string; the grain storage, the schema migration, the expiry sweep and the health check of one
    /// silo share one pool of it. Default: <c>ConnectionStrings:PostgreSQL</c>. Required.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How often expired entries are deleted from PostgreSQL. Default: 1 minute.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
