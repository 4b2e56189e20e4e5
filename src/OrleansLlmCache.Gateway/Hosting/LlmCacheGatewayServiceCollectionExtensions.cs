using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Gateway.Authentication;
using OrleansLlmCache.Gateway.Chat;
using OrleansLlmCache.Gateway.Diagnostics;
using OrleansLlmCache.Gateway.Embeddings;
using OrleansLlmCache.Gateway.Options;
using OrleansLlmCache.Gateway.Responses;
using OrleansLlmCache.Gateway.Upstreams;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OpenAI-compatible caching gateway; map it with <c>app.MapOrleansLlmCacheGateway()</c>.</summary>
public static class LlmCacheGatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gateway's services: its options from <c>LlmCache:Gateway</c> (validated at start-up, each bad setting
    /// named), its API-key authentication scheme, the upstream HTTP client, and <see cref="ILlmCache"/> when the app has
    /// not added it yet (<c>AddOrleansLlmCache()</c>: it needs an Orleans client, or a silo, in the same container).
    /// </summary>
    public static IServiceCollection AddOrleansLlmCacheGateway(this IServiceCollection services, Action<LlmCacheGatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LlmCacheGatewayOptions>().BindConfiguration(LlmCacheGatewayOptions.SectionName, b => b.ErrorOnUnknownConfiguration = true);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmCacheGatewayOptions>, LlmCacheGatewayOptionsValidator>());
        if (!services.Any(d => d.ServiceType == typeof(ILlmCache)))
        {
            services.AddOrleansLlmCache();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayApiKeys>();
        services.AddSingleton<GatewayDevelopmentMode>();
        services.AddHostedService<GatewayStartup>();
        services.AddSingleton<GatewayUpstreams>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<EmbeddingsEndpoint>();
        services.AddSingleton<ResponsesEndpoint>();
        services.AddSingleton<ModelsEndpoint>();
        services.AddHttpClient(GatewayUpstream.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan); // each call has its upstream's timeout

        // Only the gateway's endpoints name this scheme: the host's own authentication (if any) is left as it is.
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, GatewayApiKeyHandler>(GatewayApiKeyHandler.SchemeName, null);
        services.AddAuthorization();
        return services;
    }

    /// <summary>Says at start-up where misses go and whether the keyless development mode is on.</summary>
    private sealed class GatewayStartup(
        IHostApplicationLifetime lifetime,
        GatewayDevelopmentMode developmentMode,
        GatewayUpstreams upstreams,
        ILogger<GatewayDevelopmentMode> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var upstream in upstreams.All)
            {
                var models = upstream.Models.Count > 0 ? string.Join(", ", upstream.Models) : upstreams.All.Count == 1 ? "every model" : "every other model";
                Log.UpstreamConfigured(logger, models, upstream.BaseUrl, upstream.Setting);
            }

            if (upstreams.All.Count == 0)
            {
                Log.NoUpstream(logger);
            }
            else if (upstreams.Default is null)
            {
                Log.NoDefaultUpstream(logger);
            }

            lifetime.ApplicationStarted.Register(developmentMode.OnStarted);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
