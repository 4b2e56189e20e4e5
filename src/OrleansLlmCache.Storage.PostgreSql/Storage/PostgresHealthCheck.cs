using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace OrleansLlmCache.Storage.PostgreSql.Storage;

/// <summary>
/// The state of PostgreSQL storage, as Healthy or Degraded, never Unhealthy: a silo whose database is down or locked
/// still serves every entry it holds in memory, and taking every silo out of the Service at once (they share the
/// database) would turn a storage problem into an outage. The reason is in the <c>/health</c> JSON. With memory storage
/// there is nothing to check.
/// </summary>
internal sealed class PostgresHealthCheck(IServiceProvider services) : IHealthCheck
{
    /// <summary>How long the check waits for the lock every write takes; longer means writes are stuck behind another database connection.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Registered by UsePostgresLlmCacheStorage: a silo with memory storage has none.
        if (services.GetService<NpgsqlDataSource>() is not { } dataSource)
        {
            return HealthCheckResult.Healthy("memory storage");
        }

        try
        {
            // A write's table lock, taken and given back without writing: a connection holding the table (a migration,
            // VACUUM FULL, a manual LOCK TABLE) makes every write wait, while SELECT 1 would still answer at once.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var limit = new NpgsqlCommand($"SET LOCAL lock_timeout = '{(int)LockWait.TotalMilliseconds}ms'", connection, transaction))
            {
                await limit.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var probe = new NpgsqlCommand("LOCK TABLE llmcache_grain_state IN ROW EXCLUSIVE MODE", connection, transaction))
            {
                await probe.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.RollbackAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers and takes writes");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return HealthCheckResult.Degraded(
                $"PostgreSQL writes wait behind a lock on llmcache_grain_state held by another connection for over {LockWait.TotalSeconds:0} s: entries in memory are served, writes wait and may time out");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Degraded(
                $"PostgreSQL does not answer ({ex.Message.Split('\n')[0].Trim()}): entries in memory are served, writes and reads of other entries fail",
                ex);
        }
    }
}
