using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>Connects an app to the cache cluster named by a connection string, as Aspire client integrations do.</summary>
public static class LlmCacheHostApplicationBuilderExtensions
{
    /// <summary>
    /// Connects this app to the cache cluster that <c>ConnectionStrings:<paramref name="connectionName"/></c> names
    /// (what an Aspire AppHost's <c>WithReference</c> sets), in the background like
    /// <see cref="LlmCacheServiceCollectionExtensions.AddOrleansLlmCacheCluster"/>, and adds <see cref="ILlmCache"/> and
    /// the chat middleware's services like <see cref="LlmCacheServiceCollectionExtensions.AddOrleansLlmCache"/>. The
    /// connection string is <c>Redis=host:port[,password=...];ClusterId=...;ServiceId=...</c> (Redis membership; needs
    /// the OrleansLlmCache.Client.Redis package) or <c>Gateways=ip:port[,ip:port...];ClusterId=...;ServiceId=...</c>,
    /// with an optional <c>AccessKey=...</c>. TLS to the gateways comes from <c>LlmCache:Cluster:Tls</c>, the access key
    /// from <c>LlmCache:Cluster:AccessKey</c> when the connection string has none.
    /// </summary>
    /// <param name="builder">The app's builder.</param>
    /// <param name="connectionName">The name of the connection string.</param>
    /// <param name="configureCluster">Overrides what the connection string and configuration say about the cluster.</param>
    /// <param name="configure">Overrides the cache's options (<c>LlmCache:Client</c>).</param>
    /// <exception cref="InvalidOperationException">The connection string is missing or malformed; the message names it.</exception>
    public static IHostApplicationBuilder AddOrleansLlmCache(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<LlmCacheClusterOptions>? configureCluster = null,
        Action<LlmCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        // Read now, so that a wrong connection string stops the app at start-up rather than leaving it uncached.
        var connection = LlmCacheConnectionString.Parse(connectionName, builder.Configuration.GetConnectionString(connectionName));
        var tls = builder.Configuration.GetSection($"{LlmCacheClusterOptions.SectionName}:{nameof(LlmCacheClusterOptions.Tls)}");
        builder.Services.AddOrleansLlmCacheCluster(options =>
        {
            connection.ApplyTo(options);
            tls.Bind(options.Tls);
            configureCluster?.Invoke(options);
        });
        builder.Services.AddOrleansLlmCache(configure);
        return builder;
    }
}
