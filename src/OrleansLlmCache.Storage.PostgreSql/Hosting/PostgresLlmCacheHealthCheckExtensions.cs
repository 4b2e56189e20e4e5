using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansLlmCache.Storage.PostgreSql.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Reports the state of the cache's PostgreSQL storage in a silo's health checks.</summary>
public static class PostgresLlmCacheHealthCheckExtensions
{
    /// <summary>The default name of the check, the key of its entry in a health report.</summary>
    public const string DefaultName = "postgresql";

    /// <summary>
    /// Adds a check of PostgreSQL storage that reports Healthy or Degraded, never Unhealthy: a silo whose database is
    /// down or locked still serves the entries it holds in memory, and every silo shares the one database. On a silo
    /// with memory storage (no <c>UsePostgresLlmCacheStorage</c>) it reports Healthy, "memory storage".
    /// </summary>
    public static IHealthChecksBuilder AddPostgresLlmCacheStorageCheck(this IHealthChecksBuilder builder, string name = DefaultName, IEnumerable<string>? tags = null) =>
        builder.AddCheck<PostgresHealthCheck>(name, failureStatus: HealthStatus.Degraded, tags: tags, timeout: TimeSpan.FromSeconds(3));
}
