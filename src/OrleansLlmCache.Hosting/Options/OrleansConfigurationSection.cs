using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace OrleansLlmCache.Hosting.Options;

/// <summary>
/// Orleans' own configuration section, <c>Orleans</c>, as an Aspire AppHost writes it into a silo's environment when the
/// silo references its Orleans resource (<c>Orleans__ClusterId</c>, <c>Orleans__ServiceId</c>,
/// <c>Orleans__Clustering__ProviderType=Redis</c> with <c>Orleans__Clustering__ServiceKey</c> naming the connection
/// string, <c>Orleans__Endpoints__SiloPort</c> and <c>Orleans__Endpoints__GatewayPort</c>), read into the silo's options.
/// Where both are set, these values win over <c>LlmCache:Silo</c>: the AppHost that started the silo chose them (the
/// ports it allocated for this replica), while <c>LlmCache:Silo</c> also holds the defaults of appsettings.json.
/// </summary>
internal static class OrleansConfigurationSection
{
    public const string SectionName = "Orleans";

    private const string Clustering = $"{SectionName}:Clustering";
    private const string Endpoints = $"{SectionName}:Endpoints";

    /// <summary>
    /// Applies the section to <paramref name="options"/>, adding a failure, naming the setting, for each value it cannot
    /// use.
    /// </summary>
    /// <returns>
    /// The service key under which Orleans' Redis clustering provider looks for a shared Redis connection
    /// (<c>Orleans:Clustering:ServiceKey</c>), or <see langword="null"/> when the section names none.
    /// </returns>
    public static string? Apply(IConfiguration configuration, LlmCacheSiloOptions options, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(failures);
        if (configuration[$"{SectionName}:ClusterId"] is { Length: > 0 } clusterId)
        {
            options.ClusterId = clusterId;
        }

        if (configuration[$"{SectionName}:ServiceId"] is { Length: > 0 } serviceId)
        {
            options.ServiceId = serviceId;
        }

        options.SiloPort = Port(configuration, $"{Endpoints}:SiloPort", failures) ?? options.SiloPort;
        options.GatewayPort = Port(configuration, $"{Endpoints}:GatewayPort", failures) ?? options.GatewayPort;
        if (configuration[$"{Endpoints}:AdvertisedIPAddress"] is { Length: > 0 } advertised)
        {
            if (IPAddress.TryParse(advertised, out _))
            {
                options.AdvertisedIPAddress = advertised;
            }
            else
            {
                failures.Add($"{Endpoints}:AdvertisedIPAddress '{advertised}' is not an IP address.");
            }
        }

        return ApplyClustering(configuration, options, failures);
    }

    private static string? ApplyClustering(IConfiguration configuration, LlmCacheSiloOptions options, List<string> failures)
    {
        var section = configuration.GetSection(Clustering);
        var provider = section["ProviderType"];
        if (string.IsNullOrEmpty(provider))
        {
            return null;
        }

        // Spelt exactly as Orleans names its providers: it looks them up case-sensitively from the same section.
        if (provider == "Development")
        {
            // One silo on this machine, as without the section: Aspire's WithDevelopmentClustering.
            options.Clustering = ClusteringMode.Localhost;
            return null;
        }

        if (provider is not ("Redis" or "AzureRedisCache"))
        {
            failures.Add($"{Clustering}:ProviderType is '{provider}', which this silo does not run: use Redis (in an Aspire AppHost, WithClustering(redis)) or Development (WithDevelopmentClustering()).");
            return null;
        }

        // Where Orleans' Redis provider finds its connection: a service key (Aspire names the Redis resource, whose
        // connection string it passes as ConnectionStrings:{key}), a connection string, or a connection string's name.
        var serviceKey = section["ServiceKey"] is { Length: > 0 } key ? key : null;
        var name = serviceKey ?? (section["ConnectionName"] is { Length: > 0 } connectionName ? connectionName : null);
        var connectionString = section["ConnectionString"] is { Length: > 0 } direct ? direct
            : name is null ? null
            : configuration.GetConnectionString(name);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add(name is null
                ? $"{Clustering}:ProviderType is Redis but neither {Clustering}:ServiceKey, ConnectionName nor ConnectionString says which Redis to use."
                : $"{Clustering} uses the Redis connection string ConnectionStrings:{name}, which is not set.");
            return null;
        }

        options.Clustering = ClusteringMode.Redis;
        options.RedisConnectionString = connectionString;
        return serviceKey;
    }

    private static int? Port(IConfiguration configuration, string key, List<string> failures)
    {
        if (configuration[key] is not { Length: > 0 } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        failures.Add($"{key} '{text}' is not a port number (1 to 65535).");
        return null;
    }
}
