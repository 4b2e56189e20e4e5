using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLlmCache.Core.Validation;
using OrleansLlmCache.Grains.Access;
using OrleansLlmCache.Grains.Entries;
using OrleansLlmCache.Hosting.Clustering;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Hosting.Startup;
using OrleansLlmCache.Hosting.Tls;
using OrleansLlmCache.Storage.PostgreSql.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Turns a host into an OrleansLlmCache silo.</summary>
public static class LlmCacheSiloHostingExtensions
{
    /// <summary>
    /// Runs a silo of the cache in this host, configured from <c>LlmCache:Silo</c>, <c>LlmCache:Entries</c>,
    /// <c>LlmCache:Tls</c> and <c>ConnectionStrings</c>: the embedded default (localhost clustering, entries in memory,
    /// no TLS), or Redis membership and PostgreSQL storage (<c>UsePostgresLlmCacheStorage</c>, settings in
    /// <c>LlmCache:PostgreSQL</c>) for a production cluster, with TLS on its connections and to its backends. Tenant
    /// access (<c>LlmCache:Access</c>): a silo that listens beyond loopback refuses to start without access keys unless
    /// <c>LlmCache:Access:AllowOpen</c> is true.
    /// </summary>
    /// <exception cref="LlmCacheStartupException">A setting is missing, malformed or out of range; the message names it.</exception>
    public static IHostApplicationBuilder AddOrleansLlmCacheSilo(this IHostApplicationBuilder builder, Action<LlmCacheSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (options, redisServiceKey) = ReadOptions(builder.Configuration, configure);
        var advertised = IPAddress.Parse(options.AdvertisedIPAddress);
        var (tlsEndpoint, backendTls) = SiloTls.Read(builder.Configuration, options);

        builder.Services.AddSingleton(options);
        if (redisServiceKey is not null && options.Clustering == ClusteringMode.Redis)
        {
            // Orleans configures its Redis provider from the same Orleans section (Aspire's) and asks for the Redis
            // connection under this key, as Aspire's Redis client integration would register it.
            builder.Services.TryAddKeyedSingleton<IConnectionMultiplexer>(redisServiceKey, (_, _) => ConnectionMultiplexer.Connect(ConfigurationOptions.Parse(options.RedisConnectionString!)));
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddHostedService<SiloStartupBanner>();

        // Before UseOrleans: hosted services start in order, so the checks run before the silo joins its cluster: its
        // ports first (cheap, and a taken one must never reach membership), then whether it may run without access
        // keys where it listens, then Redis and PostgreSQL.
        var listenAddress = options.Clustering == ClusteringMode.Localhost ? IPAddress.Loopback
            : options.ListenOnAnyHostAddress ? IPAddress.Any
            : advertised;
        builder.Services.AddSingleton(new SiloListenPort($"{LlmCacheSiloOptions.SectionName}:{nameof(options.SiloPort)}", listenAddress, options.SiloPort));
        builder.Services.AddSingleton(new SiloListenPort($"{LlmCacheSiloOptions.SectionName}:{nameof(options.GatewayPort)}", listenAddress, options.GatewayPort));
        builder.Services.AddHostedService<ListenPortPreflight>();
        builder.Services.AddHostedService(sp => new TenantAccessPreflight(
            listenAddress, options.GatewayPort, sp.GetRequiredService<IOptions<LlmCacheAccessOptions>>(), sp.GetRequiredService<ILogger<TenantAccessPreflight>>()));
        builder.Services.AddHostedService<BackendPreflight>();
        builder.Services.AddOptions<CacheEntryGrainOptions>().BindConfigurationStrictly(CacheEntryGrainOptions.SectionName);
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
            silo.Services.AddOptions<ClusterMembershipOptions>().BindConfigurationStrictly(ClusterMembershipOptionsValidator.SectionName).ValidateOnStart();
            silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterMembershipOptions>, ClusterMembershipOptionsValidator>());

            if (options.Clustering == ClusteringMode.Redis)
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(options.RedisConnectionString!));
                silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, options.ListenOnAnyHostAddress);
                silo.Services.AddSingleton<RedisMembershipRestorer>();
                silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RedisMembershipRestorer>());
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }

            if (tlsEndpoint is not null)
            {
                SiloTls.Use(silo, tlsEndpoint);
            }

            silo.AddOrleansLlmCacheGrains();
            if (options.Storage == StorageMode.PostgreSQL)
            {
                silo.UsePostgresLlmCacheStorage();
                if (backendTls is not null)
                {
                    silo.Services.AddSingleton<IValidateOptions<PostgresStorageOptions>>(new PostgresTlsValidator(backendTls));
                }
            }
            else
            {
                silo.UseInMemoryLlmCacheStorage();
            }
        });
        return builder;
    }

    /// <summary>
    /// The silo's options from configuration (<c>LlmCache:Silo</c>, then Orleans' own section as an Aspire AppHost
    /// writes it) and <paramref name="configure"/>, checked: they decide how the silo is wired, so every wrong one is
    /// reported now, at once, naming its setting. Also returns the key of the Redis connection Orleans' section names.
    /// </summary>
    private static (LlmCacheSiloOptions Options, string? RedisServiceKey) ReadOptions(IConfiguration configuration, Action<LlmCacheSiloOptions>? configure)
    {
        var section = configuration.GetSection(LlmCacheSiloOptions.SectionName);
        var invalid = StrictConfigurationBinding.FindInvalidValues(section, typeof(LlmCacheSiloOptions)).ToList();
        if (section[MovedExpirySweepInterval] is not null)
        {
            // PostgreSQL storage's settings are its own now: say where this one went rather than ignore it.
            invalid.Add($"{LlmCacheSiloOptions.SectionName}:{MovedExpirySweepInterval} is now {PostgresStorageOptions.SectionName}:{nameof(PostgresStorageOptions.ExpirySweepInterval)}; set it there.");
        }

        if (invalid.Count > 0)
        {
            throw new LlmCacheStartupException(NotValid(invalid));
        }

        var options = section.Get<LlmCacheSiloOptions>() ?? new LlmCacheSiloOptions();
        options.RedisConnectionString ??= configuration.GetConnectionString("Redis");
        var redisServiceKey = OrleansConfigurationSection.Apply(configuration, options, invalid);
        if (invalid.Count > 0)
        {
            throw new LlmCacheStartupException(NotValid(invalid));
        }

        PodEnvironment.ApplyDefaults(options, configuration);
        configure?.Invoke(options);
        var result = new LlmCacheSiloOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        return result.Failed ? throw new LlmCacheStartupException(NotValid(result.Failures)) : (options, redisServiceKey);
    }

    private const string MovedExpirySweepInterval = "ExpirySweepInterval";

    private static string NotValid(IEnumerable<string> failures) => "The silo configuration is not valid: " + string.Join(" ", failures);
}
