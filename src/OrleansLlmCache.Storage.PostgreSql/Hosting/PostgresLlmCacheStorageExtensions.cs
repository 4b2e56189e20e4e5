using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansLlmCache.Grains;
using OrleansLlmCache.Grains.Storage;
using OrleansLlmCache.Storage.PostgreSql.Options;
using OrleansLlmCache.Storage.PostgreSql.Storage;

namespace Orleans.Hosting;

/// <summary>Keeps the cache's grain state in PostgreSQL (settings: <see cref="PostgresStorageOptions"/>).</summary>
public static class PostgresLlmCacheStorageExtensions
{
    /// <summary>
    /// The connection string every PostgreSQL consumer of one silo uses: the operator's, with <c>Maximum Pool Size</c>
    /// set to <see cref="PostgresStorageOptions.DefaultMaxPoolSize"/> when it does not name one.
    /// </summary>
    internal static string BoundedConnectionString(string connectionString)
    {
        // Npgsql's own builder cannot tell "set to its default of 100" from "not set": read the keys as written.
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var named = written.Keys.Cast<string>().Any(key =>
            key.Replace(" ", "", StringComparison.Ordinal) is var compact
            && (compact.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase) || compact.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase)));
        if (named)
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = PostgresStorageOptions.DefaultMaxPoolSize }.ConnectionString;
    }

    /// <summary>
    /// Keeps grain state in PostgreSQL through one connection pool per silo: the grain storage, the schema migration,
    /// the expiry sweep and the health check all open connections from the same <see cref="NpgsqlDataSource"/>.
    /// Settings come from <c>LlmCache:PostgreSQL</c> and <c>ConnectionStrings:PostgreSQL</c>, then <paramref name="configure"/>.
    /// The schema is applied by the start-up check of <c>AddOrleansLlmCacheSilo</c> (OrleansLlmCache.Hosting).
    /// </summary>
    public static ISiloBuilder UsePostgresLlmCacheStorage(this ISiloBuilder silo, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddPostgresStorageOptions(configure);
        silo.Services.AddSingleton(sp => NpgsqlDataSource.Create(BoundedConnectionString(sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.ConnectionString!)));
        silo.AddAdoNetGrainStorage(LlmCacheStorage.Name, options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = "Npgsql";
            o.DataSource = dataSource;
            o.GrainStorageSerializer = new JsonGrainStorageSerializer();
        }));
        silo.Services.AddSingleton<ExpiredEntrySweeper>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<ExpiredEntrySweeper>());
        silo.Services.AddSingleton<INamespaceEntryStore, PostgresNamespaceEntryStore>();
        silo.Services.AddSingleton(TimeProvider.System);
        return silo;
    }
}
