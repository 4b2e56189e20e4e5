using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Grains.Entries;
using OrleansLlmCache.Grains.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>Turns a host into an OrleansLlmCache silo.</summary>
public static class LlmCacheSiloHostingExtensions
{
    /// <summary>
    /// Runs a silo of the cache in this host, configured from <c>LlmCache:Silo</c> and <c>LlmCache:Entries</c>:
    /// today the embedded default (localhost clustering, entries in silo memory).
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting is out of range; the message names it.</exception>
    public static IHostApplicationBuilder AddOrleansLlmCacheSilo(this IHostApplicationBuilder builder, Action<LlmCacheSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(LlmCacheSiloOptions.SectionName).Get<LlmCacheSiloOptions>() ?? new LlmCacheSiloOptions();
        configure?.Invoke(options);
        Validate(options);

        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<SiloStartupBanner>();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddOrleansLlmCacheGrains();
            silo.UseInMemoryLlmCacheStorage();
        });
        builder.Services.AddOptions<CacheEntryGrainOptions>().BindConfiguration(CacheEntryGrainOptions.SectionName);
        return builder;
    }

    private static void Validate(LlmCacheSiloOptions options)
    {
        var failures = new List<string>();
        CheckPort(options.SiloPort, nameof(options.SiloPort), failures);
        CheckPort(options.GatewayPort, nameof(options.GatewayPort), failures);
        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:SiloPort and GatewayPort must differ; both are {options.SiloPort}.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{LlmCacheSiloOptions.SectionName}:ServiceId must not be empty.");
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException("The silo configuration is not valid: " + string.Join(" ", failures));
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
