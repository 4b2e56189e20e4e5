using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace OrleansLlmCache.Silo.Hosting;

/// <summary>
/// With PostgreSQL storage, ready only while the database answers a trivial query: a silo that cannot read or write
/// entries would turn every lookup into an error. With memory storage there is nothing to check.
/// </summary>
internal sealed class PostgresHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Registered by AddOrleansLlmCacheSilo only with PostgreSQL storage.
        if (services.GetService<NpgsqlDataSource>() is not { } dataSource)
        {
            return HealthCheckResult.Healthy("memory storage");
        }

        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer", ex);
        }
    }
}
