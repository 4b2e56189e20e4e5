using System.Net;
using Orleans.Configuration;
using OrleansLlmCache.Client.Hosting;

namespace Orleans.Hosting;

/// <summary>Points an Orleans client at an OrleansLlmCache cluster.</summary>
public static class LlmCacheClientBuilderExtensions
{
    /// <summary>
    /// Configures clustering (Redis membership with the OrleansLlmCache.Client.Redis package, fixed gateways, or the
    /// local default), the cluster's ids, a bounded connection retry, TLS to the gateways when
    /// <see cref="LlmCacheClusterOptions.Tls"/> turns it on, the exception types the silos may send back (storage
    /// errors arrive as themselves), and the access key every call carries (<see cref="LlmCacheClusterOptions.AccessKey"/>,
    /// or the configuration setting <c>LlmCache:Cluster:AccessKey</c> when code leaves it unset).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is empty, malformed or out of range; the message names every such
    /// setting.</exception>
    public static IClientBuilder UseOrleansLlmCacheCluster(this IClientBuilder builder, Action<LlmCacheClusterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new LlmCacheClusterOptions { AccessKey = ConfiguredAccessKey(builder.Configuration) };
        configure(options);
        var validation = LlmCacheClusterOptionsValidator.Check(options, out var tls);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(configure));
        }

        if (!string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            // The validator has refused the setting unless OrleansLlmCache.Client.Redis is there.
            GatewayMemberships.Redis!.Configure(builder, options.RedisConnectionString);
        }
        else
        {
            builder.UseStaticClustering(options.Gateways.Count > 0 ? [.. options.Gateways] : [new IPEndPoint(IPAddress.Loopback, 30000)]);
        }

        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });

        // What Orleans' UseTls does, with the options made per connection builder so that refusals are logged through
        // the client's logger.
        if (tls is not null)
        {
            builder.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(c => c.UseClientTls(tls.ConnectingOptions(c.ApplicationServices))));
        }

        var attempts = 0;
        builder.UseConnectionRetryFilter(async (_, ct) =>
        {
            if (options.ConnectAttempts > 0 && ++attempts >= options.ConnectAttempts)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            return true;
        });

        if (options.AccessKey is { } accessKey)
        {
            builder.UseOrleansLlmCacheAccessKey(accessKey);
        }

        // The cache's spans continue into the silos: each grain call carries the trace's context.
        builder.AddOutgoingGrainCallFilter(new TraceContextCallFilter(System.Diagnostics.DistributedContextPropagator.Current));
        return builder;
    }

    /// <summary>
    /// Sends <paramref name="accessKey"/> with every call this client makes, for silos that enforce tenant access
    /// (<c>LlmCache:Access:Keys</c>). <see cref="UseOrleansLlmCacheCluster"/> does this for its
    /// <see cref="LlmCacheClusterOptions.AccessKey"/>; call it directly on a client whose clustering is configured
    /// otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">The key is shorter than 16 characters, longer than 512 or holds white space.</exception>
    public static IClientBuilder UseOrleansLlmCacheAccessKey(this IClientBuilder builder, string accessKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(accessKey);
        if (!LlmCacheClusterOptionsValidator.IsUsableKey(accessKey))
        {
            throw new ArgumentException($"{LlmCacheClusterOptions.SectionName}:{nameof(LlmCacheClusterOptions.AccessKey)} {LlmCacheClusterOptionsValidator.AccessKeyProblem}", nameof(accessKey));
        }

        return builder.AddOutgoingGrainCallFilter(new AccessKeyCallFilter(accessKey));
    }

    /// <summary>The access key in configuration (<c>LlmCache:Cluster:AccessKey</c>), or null when it is not set or empty.</summary>
    internal static string? ConfiguredAccessKey(Microsoft.Extensions.Configuration.IConfiguration? configuration) =>
        configuration?[$"{LlmCacheClusterOptions.SectionName}:{nameof(LlmCacheClusterOptions.AccessKey)}"] is { Length: > 0 } key ? key : null;
}
