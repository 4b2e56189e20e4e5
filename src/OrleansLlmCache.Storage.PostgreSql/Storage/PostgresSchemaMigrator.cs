using Npgsql;

namespace OrleansLlmCache.Storage.PostgreSql.Storage;

/// <summary>
/// Creates or upgrades the cache's PostgreSQL schema. Idempotent and safe when several silos start at once: every
/// silo takes the same transaction-scoped advisory lock, so exactly one applies each migration and the others find it
/// done. A database whose schema is newer than this silo understands is refused rather than written to.
/// </summary>
internal static class PostgresSchemaMigrator
{
    // Any fixed number works; it only has to be the same in every silo of every version.
    private const long MigrationLockId = 0x4C4C_4D43_0001;

    /// <summary>The schema version this build writes and understands.</summary>
    public static int LatestVersion => Migrations.Count;

    private static readonly IReadOnlyList<string> Migrations = LoadMigrations();

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns the version it was at before.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockId})", cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS llmcache_schema_version
            (
                id         integer     NOT NULL PRIMARY KEY CHECK (id = 1),
                version    integer     NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        await using var read = new NpgsqlCommand("SELECT version FROM llmcache_schema_version WHERE id = 1", connection);
        var current = await read.ExecuteScalarAsync(cancellationToken) is int version ? version : 0;
        if (current > LatestVersion)
        {
            throw new NewerSchemaException(
                $"The PostgreSQL schema is at version {current}, newer than this silo understands ({LatestVersion}): upgrade the silo, or point ConnectionStrings:PostgreSQL at another database.");
        }

        for (var next = current + 1; next <= LatestVersion; next++)
        {
            await ExecuteAsync(connection, Migrations[next - 1], cancellationToken);
        }

        if (current < LatestVersion)
        {
            await using var write = new NpgsqlCommand(
                "INSERT INTO llmcache_schema_version (id, version, applied_at) VALUES (1, @version, now()) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, applied_at = now()",
                connection);
            write.Parameters.AddWithValue("version", LatestVersion);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return current;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<string> LoadMigrations()
    {
        var assembly = typeof(PostgresSchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith("OrleansLlmCache.Migrations.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            })
            .ToList();
    }
}
