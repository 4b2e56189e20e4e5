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
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LlmCacheHybridCacheOptions>().BindConfigurationStrictly(LlmCacheHybridCacheOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => IsValidPart(o.Namespace, LlmCacheLimits.MaxNamespaceLength), NamespaceMessage(LlmCacheHybridCacheOptions.SectionName))
            .Validate(o => o.Tenant is null || IsValidPart(o.Tenant, LlmCacheLimits.MaxTenantLength), TenantMessage(LlmCacheHybridCacheOptions.SectionName))
            .Validate(
                o => o.DefaultExpiration is null || (o.DefaultExpiration >= LlmCacheLimits.MinTimeToLive && o.DefaultExpiration <= LlmCacheLimits.MaxTimeToLive),
                $"{LlmCacheHybridCacheOptions.SectionName}:DefaultExpiration must be between 1 second and 365 days, or empty to follow the namespace's policy.")
            .ValidateOnStart();
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
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LlmCacheDistributedCacheOptions>().BindConfigurationStrictly(LlmCacheDistributedCacheOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => IsValidPart(o.Namespace, LlmCacheLimits.MaxNamespaceLength), NamespaceMessage(LlmCacheDistributedCacheOptions.SectionName))
            .Validate(o => o.Tenant is null || IsValidPart(o.Tenant, LlmCacheLimits.MaxTenantLength), TenantMessage(LlmCacheDistributedCacheOptions.SectionName))
            .ValidateOnStart();
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

    private static string NamespaceMessage(string section) =>
        $"{section}:Namespace must be 1-{LlmCacheLimits.MaxNamespaceLength} characters of A-Z a-z 0-9 _ . : -";

    private static string TenantMessage(string section) =>
        $"{section}:Tenant must be empty (the client's tenant) or 1-{LlmCacheLimits.MaxTenantLength} characters of A-Z a-z 0-9 _ . : -";
}
