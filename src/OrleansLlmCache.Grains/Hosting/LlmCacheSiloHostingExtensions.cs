using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using OrleansLlmCache.Grains.Entries;
using OrleansLlmCache.Grains.Hosting;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Turns a host into an OrleansLlmCache silo.</summary>
public static class LlmCacheSiloHostingExtensions
{
    /// <summary>
    /// Runs a silo of the cache in this host, configured from <c>LlmCache:Silo</c>, <c>LlmCache:Entries</c> and
    /// <c>ConnectionStrings</c>: the embedded default (localhost clustering, entries in memory), or Redis membership
    /// and PostgreSQL storage for a production cluster.
    /// </summary>
    /// <exception cref="LlmCacheStartupException">A setting is missing, malformed or out of range; the message names it.</exception>
    public static IHostApplicationBuilder AddOrleansLlmCacheSilo(this IHostApplicationBuilder builder, Action<LlmCacheSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(LlmCacheSiloOptions.SectionName).Get<LlmCacheSiloOptions>() ?? new LlmCacheSiloOptions();
        options.RedisConnectionString ??= builder.Configuration.GetConnectionString("Redis");
        options.PostgresConnectionString ??= builder.Configuration.GetConnectionString("PostgreSQL");
        PodEnvironment.ApplyDefaults(options, builder.Configuration);
        configure?.Invoke(options);
        var advertised = Validate(options);

        builder.Services.AddSingleton(options);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddHostedService<SiloStartupBanner>();

        // Before UseOrleans: hosted services start in order, so the checks run before the silo does.
        builder.Services.AddHostedService<BackendPreflight>();
        builder.Services.AddOptions<CacheEntryGrainOptions>().BindConfiguration(CacheEntryGrainOptions.SectionName);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (builder.Configuration[PodEnvironment.PodName] is { Length: > 0 } podName)
            {
                silo.Configure<SiloOptions>(o => o.SiloName = podName);
            }

            // Orleans' own membership settings (failure detection speed) stay tunable from configuration:
            // "Orleans": { "Membership": { "ProbeTimeout": "00:00:05", "NumMissedProbesLimit": 3 } }.
            silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"));

            if (options.Clustering == ClusteringMode.Redis)
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(options.RedisConnectionString!));
                silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, options.ListenOnAnyHostAddress);
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }

            silo.AddOrleansLlmCacheGrains();
            if (options.Storage == StorageMode.PostgreSQL)
            {
                silo.UsePostgresLlmCacheStorage(options.PostgresConnectionString!);
            }
            else
            {
                silo.UseInMemoryLlmCacheStorage();
            }
        });
        return builder;
    }

    private static IPAddress Validate(LlmCacheSiloOptions options)
    {
        var failures = new List<string>();
        CheckPort(options.SiloPort, nameof(options.SiloPort), failures);
        CheckPort(options.GatewayPort, nameof(options.GatewayPort), failures);
        CheckPort(options.HttpPort, nameof(options.HttpPort), failures);
        if (options.SiloPort == options.GatewayPort || options.HttpPort == options.SiloPort || options.HttpPort == options.GatewayPort)
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:SiloPort, GatewayPort and HttpPort must differ; they are {options.SiloPort}, {options.GatewayPort} and {options.HttpPort}.");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:ShutdownTimeout must be positive; got {options.ShutdownTimeout}.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:ServiceId must not be empty.");
        }

        if (!IPAddress.TryParse(options.AdvertisedIPAddress, out var advertised))
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:AdvertisedIPAddress '{options.AdvertisedIPAddress}' is not an IP address.");
        }

        if (options.ExpirySweepInterval <= TimeSpan.Zero)
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:ExpirySweepInterval must be positive; got {options.ExpirySweepInterval}.");
        }

        if (options.StartupConnectAttempts < 1)
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:StartupConnectAttempts must be at least 1; got {options.StartupConnectAttempts}.");
        }

        if (options.Clustering == ClusteringMode.Redis)
        {
            CheckConnectionString(options.RedisConnectionString, "Redis", "localhost:6379", s => ConfigurationOptions.Parse(s), failures);
        }

        if (options.Storage == StorageMode.PostgreSQL)
        {
            CheckConnectionString(
                options.PostgresConnectionString,
                "PostgreSQL",
                "Host=localhost;Port=5432;Database=llmcache;Username=llmcache;Password=...",
                s => _ = new NpgsqlConnectionStringBuilder(s).Host ?? throw new ArgumentException("it names no Host"),
                failures);
        }

        if (failures.Count > 0)
        {
            throw new LlmCacheStartupException("The silo configuration is not valid: " + string.Join(" ", failures));
        }

        return advertised!;
    }

    private static void CheckConnectionString(string? value, string name, string example, Action<string> parse, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"ConnectionStrings:{name} is required with {name} {(name == "Redis" ? "clustering" : "storage")}; set it, for example to \"{example}\".");
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
            failures.Add($"{LlmCacheSiloOptions.SectionName}:{name} must be a TCP port (1-65535); got {port}.");
        }
    }
}
