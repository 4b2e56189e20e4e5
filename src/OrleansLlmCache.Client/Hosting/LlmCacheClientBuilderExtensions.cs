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
    /// <see cref="LlmCacheClusterOptions.Tls"/> turns it on, and the exception types the silos may send back (storage
    /// errors arrive as themselves).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is empty, malformed or out of range; the message names every such
    /// setting.</exception>
    public static IClientBuilder UseOrleansLlmCacheCluster(this IClientBuilder builder, Action<LlmCacheClusterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new LlmCacheClusterOptions();
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
        return builder;
    }
}
