using Microsoft.Extensions.Options;
using Npgsql;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Storage.PostgreSql.Options;

/// <summary>
/// Checks <see cref="PostgresStorageOptions"/> before the silo starts and reports every wrong setting at once, each
/// naming the setting to fix: the connection string under its configuration key, <c>ConnectionStrings:PostgreSQL</c>.
/// </summary>
internal sealed class PostgresStorageOptionsValidator : IValidateOptions<PostgresStorageOptions>
{
    /// <summary>What a connection string looks like, in the failures.</summary>
    internal const string Example = "Host=localhost;Port=5432;Database=llmcache;Username=llmcache;Password=...";

    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checks = new SettingChecks(PostgresStorageOptions.SectionName)
            .Positive(options.ExpirySweepInterval, nameof(options.ExpirySweepInterval));
        checks.In("ConnectionStrings")
            .Required(options.ConnectionString, PostgresStorageOptions.ConnectionStringName, "with PostgreSQL storage", Example)
            .WellFormed(options.ConnectionString, PostgresStorageOptions.ConnectionStringName, Parse, Example);
        return checks.Result;
    }

    private static void Parse(string connectionString) =>
        _ = new NpgsqlConnectionStringBuilder(connectionString).Host ?? throw new ArgumentException("it names no Host");
}
