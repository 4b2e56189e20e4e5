using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace OrleansLlmCache.Grains.Hosting;

/// <summary>
/// Checks <see cref="LlmCacheSiloOptions"/> and reports every wrong setting at once, each naming the setting and how
/// to fix it. Runs when the silo is configured (its settings decide how the silo is wired), before anything starts.
/// </summary>
internal sealed class LlmCacheSiloOptionsValidator : IValidateOptions<LlmCacheSiloOptions>
{
    private const string Section = LlmCacheSiloOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LlmCacheSiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checks = new SettingChecks(Section)
            .Between(options.SiloPort, 1, 65535, nameof(options.SiloPort))
            .Between(options.GatewayPort, 1, 65535, nameof(options.GatewayPort))
            .Between(options.HttpPort, 1, 65535, nameof(options.HttpPort))
            .Positive(options.ShutdownTimeout, nameof(options.ShutdownTimeout))
            .Positive(options.ExpirySweepInterval, nameof(options.ExpirySweepInterval))
            .Between(options.MembershipCheckInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), nameof(options.MembershipCheckInterval), "100 ms and 5 minutes")
            .AtLeast(options.StartupConnectAttempts, 1, nameof(options.StartupConnectAttempts));
        if (options.SiloPort == options.GatewayPort || options.HttpPort == options.SiloPort || options.HttpPort == options.GatewayPort)
        {
            checks.Fail("SiloPort, GatewayPort and HttpPort", $"must differ; they are {options.SiloPort}, {options.GatewayPort} and {options.HttpPort}.");
        }

        // Set from code, an enum can hold any number; the configuration check refuses those already.
        if (!Enum.IsDefined(options.Clustering))
        {
            checks.Fail(nameof(options.Clustering), $"is {(int)options.Clustering}, which is not one of {string.Join(", ", Enum.GetNames<ClusteringMode>())}.");
        }

        if (!Enum.IsDefined(options.Storage))
        {
            checks.Fail(nameof(options.Storage), $"is {(int)options.Storage}, which is not one of {string.Join(", ", Enum.GetNames<StorageMode>())}.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            checks.Fail(nameof(options.ClusterId), "must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            checks.Fail(nameof(options.ServiceId), "must not be empty.");
        }

        if (!IPAddress.TryParse(options.AdvertisedIPAddress, out _))
        {
            checks.Fail(nameof(options.AdvertisedIPAddress), $"'{options.AdvertisedIPAddress}' is not an IP address.");
        }

        var failures = new List<string>();
        if (options.Clustering == ClusteringMode.Redis)
        {
            CheckConnectionString(options.RedisConnectionString, "Redis", "clustering", "localhost:6379", s => ConfigurationOptions.Parse(s), failures);
        }

        if (options.Storage == StorageMode.PostgreSQL)
        {
            CheckConnectionString(
                options.PostgresConnectionString,
                "PostgreSQL",
                "storage",
                "Host=localhost;Port=5432;Database=llmcache;Username=llmcache;Password=...",
                s => _ = new NpgsqlConnectionStringBuilder(s).Host ?? throw new ArgumentException("it names no Host"),
                failures);
        }

        var result = checks.Result;
        return failures.Count == 0 ? result
            : ValidateOptionsResult.Fail([.. result.Failures ?? [], .. failures]);
    }

    // Connection strings live outside the section (ConnectionStrings:Redis), so their failures name the full key.
    private static void CheckConnectionString(string? value, string name, string role, string example, Action<string> parse, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"ConnectionStrings:{name} is required with {name} {role}; set it, for example to \"{example}\".");
            return;
        }

        try
        {
            parse(value);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or NotSupportedException)
        {
            failures.Add($"ConnectionStrings:{name} is malformed ({ex.Message.Split('\n')[0]}); it should look like \"{example}\".");
        }
    }
}
