using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansLlmCache.Grains.Storage;

namespace OrleansLlmCache.Grains.Hosting;

/// <summary>Names of the grain storage providers the cache's grains use, and how a silo connects to PostgreSQL.</summary>
public static class LlmCacheStorage
{
    /// <summary>The grain storage every cache grain persists to: memory on the embedded default, PostgreSQL in production.</summary>
    public const string Name = "llmcache";

    /// <summary>
    /// Connections one silo opens to PostgreSQL at most, unless <c>ConnectionStrings:PostgreSQL</c> sets
    /// <c>Maximum Pool Size</c> itself. Size the server by it: <c>max_connections</c> must exceed silos x pool size
    /// (plus whatever else connects), so PostgreSQL's default of 100 holds four silos with room for an operator.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>
    /// The connection string every PostgreSQL consumer of one silo uses: the operator's, with <c>Maximum Pool Size</c>
    /// set to <see cref="DefaultMaxPoolSize"/> when it does not name one.
    /// </summary>
    public static string BoundedConnectionString(string connectionString)
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

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = DefaultMaxPoolSize }.ConnectionString;
    }

    /// <summary>
    /// Keeps grain state in PostgreSQL through one connection pool per silo: the grain storage, the schema migration,
    /// the expiry sweep and the health check all open connections from the same <see cref="NpgsqlDataSource"/>.
    /// </summary>
    internal static ISiloBuilder UsePostgresLlmCacheStorage(this ISiloBuilder silo, string connectionString)
    {
        var bounded = BoundedConnectionString(connectionString);
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(bounded));
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
