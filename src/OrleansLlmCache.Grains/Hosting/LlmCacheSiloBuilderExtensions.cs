using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Core.Validation;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Grains;
using OrleansLlmCache.Grains.Access;
using OrleansLlmCache.Grains.Entries;
using OrleansLlmCache.Grains.Errors;
using OrleansLlmCache.Grains.Hosting;
using OrleansLlmCache.Grains.Invalidation;
using OrleansLlmCache.Grains.Statistics;

namespace Orleans.Hosting;

/// <summary>Adds the cache's grains and their services to a silo.</summary>
public static class LlmCacheSiloBuilderExtensions
{
    /// <summary>
    /// Registers what the cache grains need: their options and clock, and the check of clients' access keys
    /// (<see cref="LlmCacheAccessOptions"/>, <c>LlmCache:Access</c>; off while no key is configured). Storage is
    /// chosen separately: a provider named <see cref="LlmCacheStorage.Name"/> (<see cref="UseInMemoryLlmCacheStorage"/>
    /// on the embedded default, <c>UsePostgresLlmCacheStorage</c> from OrleansLlmCache.Storage.PostgreSql in production).
    /// </summary>
    public static ISiloBuilder AddOrleansLlmCacheGrains(this ISiloBuilder builder, Action<CacheEntryGrainOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<CacheEntryGrainOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CacheEntryGrainOptions>, CacheEntryGrainOptionsValidator>());
        builder.Services.TryAddKeyedSingleton(LlmCacheTime.ServiceKey, TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<OrleansLlmCache.Grains.Diagnostics.SiloCacheMetrics>();

        // Traces continue from the app server's span into the grain calls (the traceparent travels in the RequestContext).
        // Before the tenant access filter, so that a refused call shows in the trace as a failed span.
        if (!builder.Services.Any(IsActivityPropagation))
        {
            builder.AddActivityPropagation();
        }

        // Tenant access (LlmCache:Access): first among the cache's filters, so that none of the cache's work runs for a
        // call it refuses.
        builder.Services.AddOptions<LlmCacheAccessOptions>().BindConfigurationStrictly(LlmCacheAccessOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmCacheAccessOptions>, LlmCacheAccessOptionsValidator>());
        builder.Services.TryAddSingleton<AccessKeyTable>();
        builder.AddIncomingGrainCallFilter<TenantAccessFilter>();
        builder.AddStorageErrorTranslation(); // storage failures reach callers as LlmCacheStorageException

        // The entries this silo's activations hold, for batched reads (EntryReaderGrain).
        builder.Services.TryAddSingleton<OrleansLlmCache.Grains.Entries.SiloEntryIndex>();

        // This silo's copy of dependency versions, kept current by the invalidation hub.
        builder.Services.AddOptions<InvalidationOptions>().BindConfigurationStrictly(InvalidationOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InvalidationOptions>, InvalidationOptionsValidator>());
        builder.Services.TryAddSingleton(sp => new DependencyVersionTable(sp.GetRequiredService<IGrainFactory>(), TimeProvider.System));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloInvalidationSubscriber>();
        builder.Services.TryAddSingleton<NamespaceRegistrations>();

        // Statistics: this silo's embedding work, reported to the statistics grain; chart history settings.
        builder.Services.AddOptions<SiloStatisticsOptions>().BindConfigurationStrictly(SiloStatisticsOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloStatisticsOptions>, SiloStatisticsOptionsValidator>());
        builder.Services.TryAddSingleton<EmbeddingUsageCollector>();
        builder.Services.TryAddSingleton<IEmbeddingUsageRecorder>(sp => sp.GetRequiredService<EmbeddingUsageCollector>());
        builder.Services.TryAddSingleton<EmbeddingUsageReporter>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<EmbeddingUsageReporter>());

        // Semantic index and embedder: the model loads on the first semantic request only.
        builder.AddOrleansLlmCacheSemantic();
        return builder;
    }

    /// <summary>Keeps cache entries in silo memory only: the embedded default, lost when the silo stops.</summary>
    public static ISiloBuilder UseInMemoryLlmCacheStorage(this ISiloBuilder builder) =>
        builder.AddMemoryGrainStorage(LlmCacheStorage.Name);

    // AddActivityPropagation adds its filters again on every call (and Orleans adds them itself when configuration sets
    // Orleans:EnableDistributedTracing): once is enough, or every grain call would be two spans.
    private static bool IsActivityPropagation(ServiceDescriptor descriptor) =>
        descriptor.ServiceType == typeof(IIncomingGrainCallFilter)
        && descriptor.ImplementationType?.Name == "ActivityPropagationIncomingGrainCallFilter";
}
