using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Client.Adapters;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Core.Validation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the cluster behind the standard .NET caching abstractions, for code written against them: a drop-in
/// <see cref="HybridCache"/> and <see cref="IDistributedCache"/>. Each is used together with <c>AddOrleansLlmCache()</c>,
/// whose client (tenant, timeouts, L1) it goes through.
/// </summary>
public static class LlmCacheAdapterServiceCollectionExtensions
{
    /// <summary>
    /// Makes <see cref="HybridCache"/> resolve to the cluster (replacing any <c>AddHybridCache()</c> registration):
    /// <c>GetOrCreateAsync</c> makes one factory call per key across every app server, <c>RemoveAsync</c> and
    /// <c>RemoveByTagAsync</c> reach every app server before they return, and <c>RemoveByTagAsync("*")</c> invalidates
    /// everything the adapter stored (its namespace). Serializers registered for HybridCache
    /// (<see cref="IHybridCacheSerializer{T}"/>, <see cref="IHybridCacheSerializerFactory"/>) are used. Options bind to
    /// <c>LlmCache:Client:HybridCache</c> and are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddOrleansLlmCacheHybridCache(this IServiceCollection services, Action<LlmCacheHybridCacheOptions>? configure = null)
    {
        AddOptions(services, LlmCacheHybridCacheOptions.SectionName, configure, o => o.Namespace, o => o.Tenant)
            .Validate(
                o => o.DefaultExpiration is null || (o.DefaultExpiration >= LlmCacheLimits.MinTimeToLive && o.DefaultExpiration <= LlmCacheLimits.MaxTimeToLive),
                $"{LlmCacheHybridCacheOptions.SectionName}:DefaultExpiration must be between 1 second and 365 days, or empty to follow the namespace's policy.");
        services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<LlmCacheHybridCacheOptions>>().Value;
            return new ClusterHybridCache(
                RequireClient(sp, nameof(AddOrleansLlmCacheHybridCache)),
                sp.GetRequiredService<L1Cache>(),
                Scope(sp, settings.Tenant, settings.Namespace),
                new HybridSerializers(sp),
                settings.DefaultExpiration,
                settings.DefaultFlags,
                sp.GetRequiredService<ILogger<ClusterHybridCache>>());
        });
        services.Replace(ServiceDescriptor.Singleton<HybridCache>(sp => sp.GetRequiredService<ClusterHybridCache>()));
        return services;
    }

    /// <summary>
    /// Makes <see cref="IDistributedCache"/> resolve to the cluster (replacing any earlier registration, such as
    /// <c>AddDistributedMemoryCache()</c>), so that Microsoft.Extensions.AI's <c>UseDistributedCache()</c> and any other
    /// user of the interface store into it. There is no single-flight through this interface. Options bind to
    /// <c>LlmCache:Client:DistributedCache</c> and are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddOrleansLlmCacheDistributedCache(this IServiceCollection services, Action<LlmCacheDistributedCacheOptions>? configure = null)
    {
        AddOptions(services, LlmCacheDistributedCacheOptions.SectionName, configure, o => o.Namespace, o => o.Tenant);
        services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<LlmCacheDistributedCacheOptions>>().Value;
            return new ClusterDistributedCache(
                RequireClient(sp, nameof(AddOrleansLlmCacheDistributedCache)),
                Scope(sp, settings.Tenant, settings.Namespace),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ClusterDistributedCache>>());
        });
        services.Replace(ServiceDescriptor.Singleton<IDistributedCache>(sp => sp.GetRequiredService<ClusterDistributedCache>()));
        return services;
    }

    // Bound to the section, then the caller's changes; the tenant and namespace checked when the host starts.
    private static OptionsBuilder<TOptions> AddOptions<TOptions>(
        IServiceCollection services,
        string section,
        Action<TOptions>? configure,
        Func<TOptions, string> @namespace,
        Func<TOptions, string?> tenant)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TOptions>().BindConfigurationStrictly(section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return options
            .Validate(o => IsValidPart(@namespace(o), LlmCacheLimits.MaxNamespaceLength), $"{section}:Namespace must be 1-{LlmCacheLimits.MaxNamespaceLength} characters of A-Z a-z 0-9 _ . : -")
            .Validate(o => tenant(o) is null || IsValidPart(tenant(o), LlmCacheLimits.MaxTenantLength), $"{section}:Tenant must be empty (the client's tenant) or 1-{LlmCacheLimits.MaxTenantLength} characters of A-Z a-z 0-9 _ . : -")
            .ValidateOnStart();
    }

    private static ILlmCache RequireClient(IServiceProvider services, string registration) =>
        services.GetService<ILlmCache>()
        ?? throw new InvalidOperationException($"{registration}() stores through the LLM cache client: call services.AddOrleansLlmCache() as well.");

    private static AdapterKeys Scope(IServiceProvider services, string? tenant, string @namespace) =>
        new(tenant ?? services.GetRequiredService<IOptions<LlmCacheOptions>>().Value.Tenant, @namespace);

    private static bool IsValidPart(string? value, int maxLength)
    {
        try
        {
            CacheKey.ValidatePart(value, "part", maxLength);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
