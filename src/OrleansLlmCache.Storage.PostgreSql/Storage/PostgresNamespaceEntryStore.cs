using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Grains.Storage;

namespace OrleansLlmCache.Storage.PostgreSql.Storage;

/// <summary>
/// Removes an invalidated namespace's entry rows with SQL, found through the (tenant, namespace) index of entry rows.
/// Entries therefore keep no membership of their namespace on PostgreSQL, and an entry write rewrites no namespace shard.
/// </summary>
/// <remarks>
/// Deleting a row behind a live activation's back is safe, as it is for the expiry sweep: the activation's versions are
/// outdated, so it misses; its next write re-inserts the row (the write query does); clearing a row already gone counts as
/// cleared (<c>CacheEntryGrain</c>).
/// </remarks>
internal sealed class PostgresNamespaceEntryStore(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster) : INamespaceEntryStore
{
    // Batches keep each transaction, and the row locks it holds against entry writes, short on a big namespace.
    private const int BatchSize = 5_000;

    // grain_type is a literal, not a parameter: the planner uses the partial index on (tenant, namespace), whose
    // condition is grain_type = 'llm-entry', only when the query states that condition itself. The versions are
    // JsonGrainStorageSerializer's: the property camelCase, the dictionary's keys as written ({tenant}/ns:{namespace}).
    private const string Outdated = """
        grain_type = 'llm-entry' AND tenant = @tenant AND namespace = @namespace AND service_id = @service_id
        AND COALESCE((payload -> 'versions' ->> @key)::bigint, 0) < @version
        """;

    // The condition is checked again on the rows the DELETE takes, not only where they are picked: a row rewritten in
    // between (a new ctid) is re-read, and a rewrite against the new version must stay. "Live" uses the database's clock,
    // as the expiry sweep does.
    private static readonly string RemoveBatch = $"""
        WITH removed AS (
            DELETE FROM llmcache_grain_state
            WHERE ctid = ANY (ARRAY(SELECT ctid FROM llmcache_grain_state WHERE {Outdated} LIMIT {BatchSize}))
              AND {Outdated}
            RETURNING grain_key, expires_at, payload -> 'versions' AS versions)
        SELECT grain_key,
               expires_at IS NULL OR expires_at > now(),
               ARRAY(SELECT k FROM jsonb_object_keys(versions) AS k WHERE k <> @key)
        FROM removed
        """;

    private readonly string _serviceId = cluster.Value.ServiceId;

    public async Task<NamespaceRemoval> RemoveOutdatedAsync(string tenant, string @namespace, long version, CancellationToken cancellationToken)
    {
        var key = DependencyKey.Namespace(tenant, @namespace);
        var live = 0L;
        var memberships = new List<(string Entry, string DependencyKey)>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // A short batch ends it. A batch also comes out short when rows it picked were rewritten meanwhile: any of those
        // still outdated stay, like an outdated write that lands after the last batch (see DependencyGrain).
        int removed;
        do
        {
            removed = 0;
            await using var command = new NpgsqlCommand(RemoveBatch, connection);
            command.Parameters.AddWithValue("tenant", tenant);
            command.Parameters.AddWithValue("namespace", @namespace);
            command.Parameters.AddWithValue("service_id", _serviceId);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("version", version);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                removed++;
                var entry = reader.GetString(0);
                if (reader.GetBoolean(1))
                {
                    live++;
                }

                memberships.AddRange(reader.GetFieldValue<string[]>(2).Select(other => (entry, other)));
            }
        }
        while (removed == BatchSize);

        return new NamespaceRemoval(live, memberships);
    }
}
