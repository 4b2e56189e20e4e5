using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Validation;
using OrleansLlmCache.Storage.PostgreSql.Options;

namespace OrleansLlmCache.Hosting.Tls;

/// <summary>
/// Refuses a PostgreSQL connection string without TLS where the silo requires it (<see cref="BackendTlsRequirement"/>).
/// Checked with PostgreSQL storage's other settings when the host starts: the connection string may come from code.
/// </summary>
internal sealed class PostgresTlsValidator(BackendTlsRequirement requirement) : IValidateOptions<PostgresStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checks = new SettingChecks("ConnectionStrings");
        try
        {
            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                requirement.CheckPostgres(options.ConnectionString, checks);
            }
        }
        catch (ArgumentException)
        {
            // Malformed: PostgresStorageOptionsValidator says so, naming the setting.
        }

        return checks.Result;
    }
}
