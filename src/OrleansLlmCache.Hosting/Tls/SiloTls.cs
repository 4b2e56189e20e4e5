using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansLlmCache.Core.Tls;
using OrleansLlmCache.Core.Validation;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Hosting.Startup;

namespace OrleansLlmCache.Hosting.Tls;

/// <summary>A silo's TLS: <c>LlmCache:Tls</c> read and checked before the silo is wired, then put on its connections.</summary>
internal static class SiloTls
{
    /// <summary>
    /// The silo's TLS endpoint (certificate and trust loaded) when TLS is on, and whether its backends must use TLS;
    /// the Redis connection string of <paramref name="silo"/> is checked against that now (PostgreSQL's, which code may
    /// set, when the host starts: <see cref="PostgresTlsValidator"/>).
    /// </summary>
    /// <exception cref="LlmCacheStartupException">A setting cannot be used; the message names every such setting.</exception>
    public static (TlsEndpoint? Endpoint, BackendTlsRequirement? Backends) Read(IConfiguration configuration, LlmCacheSiloOptions silo)
    {
        var section = configuration.GetSection(LlmCacheTlsOptions.SectionName);
        var invalid = StrictConfigurationBinding.FindInvalidValues(section, typeof(LlmCacheTlsOptions));
        if (invalid.Count > 0)
        {
            throw new LlmCacheStartupException(NotValid(invalid));
        }

        var options = section.Get<LlmCacheTlsOptions>() ?? new LlmCacheTlsOptions();
        var checks = new SettingChecks(LlmCacheTlsOptions.SectionName);
        var endpoint = TlsEndpoint.ForSilo(LlmCacheTlsOptions.SectionName, options, options.ClientCertificateRequired, checks, DateTimeOffset.UtcNow);
        if (!options.Enabled && options.ClientCertificateRequired)
        {
            checks.Fail(nameof(options.ClientCertificateRequired), $"is true while {nameof(options.Enabled)} is false: client certificates are only asked for over TLS; set {nameof(options.Enabled)}=true.");
        }

        var backends = BackendTlsRequirement.For(configuration, options);
        if (backends is not null && silo.Clustering == ClusteringMode.Redis)
        {
            backends.CheckRedis(silo.RedisConnectionString!, checks.In("ConnectionStrings"));
        }

        var result = checks.Result;
        return result.Failed ? throw new LlmCacheStartupException(NotValid(result.Failures)) : (endpoint, backends);
    }

    /// <summary>
    /// TLS on the silo's three kinds of connection: accepted from silos, accepted from clients (the gateway), opened to
    /// silos. What Orleans' <c>UseTls</c> does, with options made per connection builder so that refusals are logged
    /// through the silo's logger, and a connection without TLS closed with a line saying so.
    /// </summary>
    public static void Use(ISiloBuilder silo, TlsEndpoint endpoint)
    {
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(c => Accept(c, endpoint));
            o.ConfigureGatewayInboundConnection(c => Accept(c, endpoint));
            o.ConfigureSiloOutboundConnection(c => c.UseClientTls(endpoint.ConnectingOptions(c.ApplicationServices)));
        });
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<SiloTlsNote>(sp, endpoint));
    }

    private static void Accept(IConnectionBuilder connection, TlsEndpoint endpoint)
    {
        connection.Use(endpoint.RefusePlainConnections(connection.ApplicationServices));
        connection.UseServerTls(endpoint.AcceptingOptions(connection.ApplicationServices));
    }

    private static string NotValid(IEnumerable<string> failures) => "The silo configuration is not valid: " + string.Join(" ", failures);
}
