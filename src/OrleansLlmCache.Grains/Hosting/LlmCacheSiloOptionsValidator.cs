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
        var failures = new List<string>();
        CheckPort(options.SiloPort, nameof(options.SiloPort), failures);
        CheckPort(options.GatewayPort, nameof(options.GatewayPort), failures);
        CheckPort(options.HttpPort, nameof(options.HttpPort), failures);
        if (options.SiloPort == options.GatewayPort || options.HttpPort == options.SiloPort || options.HttpPort == options.GatewayPort)
        {
            failures.Add($"{Section}:SiloPort, GatewayPort and HttpPort must differ; they are {options.SiloPort}, {options.GatewayPort} and {options.HttpPort}.");
        }

        // Set from code, an enum can hold any number; the configuration check refuses those already.
        if (!Enum.IsDefined(options.Clustering))
        {
            failures.Add($"{Section}:Clustering is {(int)options.Clustering}, which is not one of {string.Join(", ", Enum.GetNames<ClusteringMode>())}.");
        }

        if (!Enum.IsDefined(options.Storage))
        {
            failures.Add($"{Section}:Storage is {(int)options.Storage}, which is not one of {string.Join(", ", Enum.GetNames<StorageMode>())}.");
        }

        CheckPositive(options.ShutdownTimeout, nameof(options.ShutdownTimeout), failures);
        CheckPositive(options.ExpirySweepInterval, nameof(options.ExpirySweepInterval), failures);
        if (options.MembershipCheckInterval < TimeSpan.FromMilliseconds(100) || options.MembershipCheckInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Section}:MembershipCheckInterval must be between 100 ms and 5 minutes; got {options.MembershipCheckInterval}.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{Section}:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{Section}:ServiceId must not be empty.");
        }

        if (!IPAddress.TryParse(options.AdvertisedIPAddress, out _))
        {
            failures.Add($"{Section}:AdvertisedIPAddress '{options.AdvertisedIPAddress}' is not an IP address.");
        }

        if (options.StartupConnectAttempts < 1)
        {
            failures.Add($"{Section}:StartupConnectAttempts must be at least 1; got {options.StartupConnectAttempts}.");
        }

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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

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

    private static void CheckPort(int port, string name, List<string> failures)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{Section}:{name} must be a TCP port (1-65535); got {port}.");
        }
    }

    private static void CheckPositive(TimeSpan value, string name, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{name} must be positive; got {value}.");
        }
    }
}
