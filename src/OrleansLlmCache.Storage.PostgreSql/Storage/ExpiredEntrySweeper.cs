using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansLlmCache.Storage.PostgreSql.Options;

namespace OrleansLlmCache.Storage.PostgreSql.Storage;

/// <summary>
/// Keeps PostgreSQL bounded: every <see cref="PostgresStorageOptions.ExpirySweepInterval"/> it deletes the rows of entries
/// whose expiry has passed (and, for an entry kept for fail-safe, whose <c>stale_until</c> has passed too), in batches. An
/// entry is gone from the table at most one interval (plus a batch) after that; it stopped being served as a hit at its
/// expiry. Every silo runs it; a try-lock lets one sweep at a time.
/// </summary>
internal sealed partial class ExpiredEntrySweeper(
    NpgsqlDataSource dataSource,
    IOptions<PostgresStorageOptions> options,
    TimeProvider time,
    ILogger<ExpiredEntrySweeper> logger) : BackgroundService
{
    private const long SweepLockId = 0x4C4C_4D43_0002;
    private const int BatchSize = 10_000;

    /// <summary>Deletes every expired entry row now; returns how many went.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({SweepLockId})", connection))
        {
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0; // another silo is sweeping right now
            }
        }

        try
        {
            var total = 0;
            int deleted;
            do
            {
                // Batches keep each transaction short on a large table; ctid picks rows without a second index scan.
                await using var delete = new NpgsqlCommand(
                    $"""
                    DELETE FROM llmcache_grain_state
                    WHERE ctid IN (SELECT ctid FROM llmcache_grain_state
                                   WHERE expires_at IS NOT NULL AND COALESCE(stale_until, expires_at) <= now() LIMIT {BatchSize})
                    """,
                    connection);
                deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
                total += deleted;
            }
            while (deleted == BatchSize);

            return total;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({SweepLockId})", connection);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var deleted = await SweepOnceAsync(stoppingToken);
                if (deleted > 0)
                {
                    Swept(logger, deleted);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The database may be down for a while; the next tick tries again.
                SweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(1201, LogLevel.Information, "Deleted {Count} expired cache entries from PostgreSQL.")]
    private static partial void Swept(ILogger logger, int count);

    [LoggerMessage(1202, LogLevel.Warning, "The expiry sweep could not reach PostgreSQL; it tries again at the next interval.")]
    private static partial void SweepFailed(ILogger logger, Exception exception);
}
