using System.Net;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Validation;
using StackExchange.Redis;

namespace OrleansLlmCache.Hosting.Options;

/// <summary>
/// Checks <see cref="LlmCacheSiloOptions"/> and reports every wrong setting at once, each naming the setting and how
/// to fix it. Runs when the silo is configured (its settings decide how the silo is wired), before anything starts.
/// PostgreSQL storage checks its own settings (<c>PostgresStorageOptionsValidator</c>) when the host starts.
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

        checks
            .NotEmpty(options.ClusterId, nameof(options.ClusterId))
            .NotEmpty(options.ServiceId, nameof(options.ServiceId));

        if (!IPAddress.TryParse(options.AdvertisedIPAddress, out _))
        {
            checks.Fail(nameof(options.AdvertisedIPAddress), $"'{options.AdvertisedIPAddress}' is not an IP address.");
        }

        // Connection strings live outside the section (ConnectionStrings:Redis), so their failures name the full key.
        if (options.Clustering == ClusteringMode.Redis)
        {
            checks.In("ConnectionStrings")
                .Required(options.RedisConnectionString, "Redis", "with Redis clustering", "localhost:6379")
                .WellFormed(options.RedisConnectionString, "Redis", s => ConfigurationOptions.Parse(s), "localhost:6379");
        }

        return checks.Result;
    }
}
