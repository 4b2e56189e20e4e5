using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansLlmCache.Grains.Entries;
using OrleansLlmCache.Grains.Errors;
using OrleansLlmCache.Grains.Hosting;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Grains.Invalidation;
using OrleansLlmCache.Grains.Statistics;
using OrleansLlmCache.Invalidation;

namespace Orleans.Hosting;

/// <summary>Adds the cache's grains and their services to a silo.</summary>
public static class LlmCacheSiloBuilderExtensions
{
    /// <summary>
    /// Registers what the cache grains need: their options and clock. Storage is chosen separately
    /// (<see cref="UseInMemoryLlmCacheStorage"/> on the embedded default).
    /// </summary>
    public static ISiloBuilder AddOrleansLlmCacheGrains(this ISiloBuilder builder, Action<CacheEntryGrainOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<CacheEntryGrainOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.LeaseDuration > TimeSpan.Zero, $"{CacheEntryGrainOptions.SectionName}:LeaseDuration must be positive.")
            .Validate(o => o.MaxWaitPerCall > TimeSpan.Zero && o.MaxWaitPerCall < TimeSpan.FromSeconds(30),
                $"{CacheEntryGrainOptions.SectionName}:MaxWaitPerCall must be between 0 and 30 seconds (the Orleans response timeout).")
            .ValidateOnStart();
        builder.Services.TryAddKeyedSingleton(LlmCacheTime.ServiceKey, TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<OrleansLlmCache.Grains.Diagnostics.SiloCacheMetrics>();
        builder.AddStorageErrorTranslation(); // storage failures reach callers as LlmCacheStorageException

        // The entries this silo's activations hold, for batched reads (EntryReaderGrain).
        builder.Services.TryAddSingleton<OrleansLlmCache.Grains.Entries.SiloEntryIndex>();

        // This silo's copy of dependency versions, kept current by the invalidation hub.
        builder.Services.AddOptions<InvalidationOptions>().BindConfigurationStrictly(InvalidationOptions.SectionName)
            .Validate(o => o.LeaseDuration > TimeSpan.Zero, $"{InvalidationOptions.SectionName}:LeaseDuration must be positive.")
            .Validate(o => o.RenewInterval > TimeSpan.Zero && o.RenewInterval < o.LeaseDuration,
                $"{InvalidationOptions.SectionName}:RenewInterval must be positive and shorter than LeaseDuration.")
            .Validate(o => o.AckTimeout > TimeSpan.Zero, $"{InvalidationOptions.SectionName}:AckTimeout must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(sp => new DependencyVersionTable(sp.GetRequiredService<IGrainFactory>(), TimeProvider.System));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloInvalidationSubscriber>();

        // Statistics: this silo's embedding work, reported to the statistics grain; chart history settings.
        builder.Services.AddOptions<SiloStatisticsOptions>().BindConfigurationStrictly(SiloStatisticsOptions.SectionName)
            .Validate(o => o.EmbeddingPricePerMillionTokens >= 0, $"{SiloStatisticsOptions.SectionName}:EmbeddingPricePerMillionTokens must not be negative.")
            .Validate(o => o.ReportInterval >= TimeSpan.FromMilliseconds(100) && o.ReportInterval <= TimeSpan.FromMinutes(10),
                $"{SiloStatisticsOptions.SectionName}:ReportInterval must be between 100 ms and 10 minutes.")
            .Validate(o => o.HistoryInterval >= TimeSpan.FromSeconds(1) && o.HistoryInterval <= TimeSpan.FromDays(1),
                $"{SiloStatisticsOptions.SectionName}:HistoryInterval must be between 1 second and 1 day.")
            .Validate(o => o.HistoryLength is >= 1 and <= 10_000, $"{SiloStatisticsOptions.SectionName}:HistoryLength must be between 1 and 10,000.")
            .ValidateOnStart();
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
}
