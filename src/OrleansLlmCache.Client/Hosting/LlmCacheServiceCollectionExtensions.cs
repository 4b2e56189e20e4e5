using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Hosting;
using OrleansLlmCache.Client.Warming;
using OrleansLlmCache.Core.Invalidation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the LLM cache client.</summary>
public static class LlmCacheServiceCollectionExtensions
{
    /// <summary>
    /// Connects this app server to an OrleansLlmCache cluster in the background (instead of <c>UseOrleansClient</c>):
    /// the app starts even while the cluster is unreachable, answers from the origin meanwhile, and caches as soon as
    /// the connection is up. Use together with <see cref="AddOrleansLlmCache"/>. The access key for silos that enforce
    /// tenant access is <see cref="LlmCacheClusterOptions.AccessKey"/>, or the app's <c>LlmCache:Cluster:AccessKey</c>.
    /// </summary>
    public static IServiceCollection AddOrleansLlmCacheCluster(this IServiceCollection services, Action<LlmCacheClusterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(sp =>
        {
            // The client lives in a host of its own, without the app's configuration: its access key is read from here.
            var accessKey = Orleans.Hosting.LlmCacheClientBuilderExtensions.ConfiguredAccessKey(sp.GetService<Microsoft.Extensions.Configuration.IConfiguration>());
            return new BackgroundClusterClient(
                o =>
                {
                    o.AccessKey ??= accessKey;
                    configure(o);
                },
                sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>());
        });
        services.AddSingleton(sp => sp.GetRequiredService<BackgroundClusterClient>().Client);
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<IClusterClient>());
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundClusterClient>());
        services.Replace(ServiceDescriptor.Singleton(sp => new ClusterReadiness(() => sp.GetRequiredService<BackgroundClusterClient>().IsConnected)));
        return services;
    }

    /// <summary>
    /// Adds <see cref="ILlmCache"/>. It talks to the cluster through the <see cref="IGrainFactory"/> in the container:
    /// an Orleans client (<see cref="AddOrleansLlmCacheCluster"/>, or <c>builder.UseOrleansClient(...)</c>) on an app
    /// server, or the silo itself when co-hosted.
    /// Options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddOrleansLlmCache(this IServiceCollection services, Action<LlmCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LlmCacheOptions>().BindConfiguration(LlmCacheOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmCacheOptions>, LlmCacheOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmCacheOptions>, OrleansLlmCache.Client.Semantic.ApplicationEmbedderValidator>());
        services.AddMetrics();
        services.TryAddSingleton<LlmCacheStatistics>();
        services.TryAddSingleton(new ClusterReadiness());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DependencyVersionTable(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<L1Cache>();
        services.TryAddSingleton<ClusterReadBatcher>();
        services.TryAddSingleton<ClusterReadRetry>();
        services.TryAddSingleton<ClusterReader>();
        services.TryAddSingleton<SingleFlight>();
        services.TryAddSingleton<EntryOptionsResolver>();
        services.TryAddSingleton<EagerRefresh>();
        services.TryAddSingleton<CacheOutcomeObserver>();
        services.AddSingleton<ClientInvalidationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<ClientInvalidationListener>());
        services.TryAddSingleton<GrainLlmCache>();
        services.TryAddSingleton<ILlmCache>(sp => new TracingLlmCache(sp.GetRequiredService<GrainLlmCache>()));
        services.TryAddSingleton<ClusterStatisticsCollector>();
        services.AddSingleton<StatisticsReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<StatisticsReporter>());
        services.TryAddSingleton<OrleansLlmCache.Client.Conversations.IConversationStateCache, OrleansLlmCache.Client.Conversations.GrainConversationStateCache>();
        return services;
    }

    /// <summary>
    /// Warms the cluster's warming candidates on a schedule from this app server (options <see cref="CandidateWarmingOptions"/>,
    /// bound to <c>LlmCache:Client:Warming</c>): every interval, keys that missed at least the threshold number of times
    /// through the chat middleware are asked of <paramref name="origin"/> again and cached, unless they already are.
    /// Turns <see cref="LlmCacheOptions.RecordMissedRequestsForWarming"/> on, whatever the configuration says: only
    /// recorded requests can be warmed. Use together with <see cref="AddOrleansLlmCache"/>.
    /// </summary>
    /// <param name="services">The app server's services.</param>
    /// <param name="origin">The bare origin chat client (not one wrapped with the cache), such as the OpenAI client.</param>
    /// <param name="configure">Overrides the configured options.</param>
    public static IServiceCollection AddOrleansLlmCacheWarming(
        this IServiceCollection services,
        Func<IServiceProvider, Microsoft.Extensions.AI.IChatClient> origin,
        Action<CandidateWarmingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(origin);
        var options = services.AddOptions<CandidateWarmingOptions>().BindConfiguration(CandidateWarmingOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.Interval >= TimeSpan.FromSeconds(1), $"{CandidateWarmingOptions.SectionName}:Interval must be at least 1 second.")
            .Validate(o => o.Threshold >= 1, $"{CandidateWarmingOptions.SectionName}:Threshold must be at least 1.")
            .Validate(o => o.MaxPerRun is >= 1 and <= 10_000, $"{CandidateWarmingOptions.SectionName}:MaxPerRun must be between 1 and 10,000.")
            .Validate(o => o.Concurrency is >= 1 and <= 256, $"{CandidateWarmingOptions.SectionName}:Concurrency must be between 1 and 256.")
            .ValidateOnStart();
        services.PostConfigure<LlmCacheOptions>(o => o.RecordMissedRequestsForWarming = true);
        services.TryAddSingleton(sp => new CandidateWarmer(sp.GetRequiredService<ILlmCache>(), sp.GetRequiredService<IGrainFactory>(), origin(sp)));
        services.TryAddSingleton<ScheduledCandidateWarmer>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduledCandidateWarmer>());
        return services;
    }
}
