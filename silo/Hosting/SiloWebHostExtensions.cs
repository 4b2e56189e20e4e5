using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;
using OrleansLlmCache.Core.Diagnostics;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Hosting.Startup;
using OrleansLlmCache.Silo.CachePage;
using OrleansLlmCache.Silo.Hosting;
using OrleansLlmCache.Silo.OperatorAccess;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The silo program's small web server, on <c>LlmCache:Silo:HttpPort</c>: Kubernetes probes (<c>/alive</c>,
/// <c>/health</c>), Prometheus metrics, the Orleans Dashboard and the cache page. Call after <c>AddOrleansLlmCacheSilo()</c>.
/// </summary>
public static class SiloWebHostExtensions
{
    /// <summary>
    /// Binds Kestrel to the HTTP port (every interface with <c>ListenOnAnyHostAddress</c>, as in a pod, otherwise the
    /// advertised address, 127.0.0.1 by default), registers the readiness checks behind <c>/health</c>, and the
    /// authentication of the operator pages from <c>LlmCache:Dashboard</c>.
    /// </summary>
    /// <exception cref="LlmCacheStartupException">
    /// A dashboard setting is wrong, or the silo runs in production (in a pod, or beyond loopback) with open operator
    /// pages and without <c>LlmCache:Dashboard:AllowOpen</c>; the message names the settings.
    /// </exception>
    public static WebApplicationBuilder AddOrleansLlmCacheSiloWeb(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Explicit endpoints replace ASPNETCORE_URLS and the localhost:5000 default, so the port is the silo's setting.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<LlmCacheSiloOptions>((kestrel, silo) =>
        {
            if (silo.ListenOnAnyHostAddress)
            {
                kestrel.ListenAnyIP(silo.HttpPort);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(silo.AdvertisedIPAddress), silo.HttpPort);
            }
        });

        // Checked free before the silo joins its cluster (ListenPortPreflight): Kestrel binds only after Orleans started,
        // and a taken port would then leave a dead row in membership.
        builder.Services.AddSingleton(sp =>
        {
            var silo = sp.GetRequiredService<LlmCacheSiloOptions>();
            return new SiloListenPort(
                $"{LlmCacheSiloOptions.SectionName}:{nameof(LlmCacheSiloOptions.HttpPort)}",
                silo.ListenOnAnyHostAddress ? IPAddress.Any : IPAddress.Parse(silo.AdvertisedIPAddress),
                silo.HttpPort);
        });

        // Readiness is "this silo can serve": active in the cluster and answering reads. Storage trouble is reported
        // as Degraded (still 200): the entries in memory are still served, and every silo shares the one database.
        builder.Services.AddHealthChecks()
            .AddCheck<SiloMembershipHealthCheck>("orleans-silo", tags: [SiloEndpoints.ReadyTag])
            .AddCheck<ClusterReadHealthCheck>("cluster-reads", tags: [SiloEndpoints.ReadyTag], timeout: TimeSpan.FromSeconds(5))
            .AddPostgresLlmCacheStorageCheck(tags: [SiloEndpoints.ReadyTag]);
        builder.Services.AddSingleton<ClusterReadHealthCheck>();

        // Metrics: the cache's silo meter, the client meter (app servers co-hosted in a silo), and Orleans' own, scraped
        // at /metrics and pushed over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. With that endpoint (an Aspire AppHost
        // sets it, with OTEL_SERVICE_NAME) logs and Orleans' traces go there too.
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // A name given in the environment (Aspire's, with the replica's instance id) is how a collector tells the
                // silos apart; the default name stands for them otherwise.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService("orleans-llmcache-silo");
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrleansLlmCache.Grains.Diagnostics.SiloCacheMetrics.MeterName, "OrleansLlmCache.Client", "Microsoft.Orleans");

                // Orleans records a tagged histogram for every message sent and received; on a cache hit path of a few
                // microseconds that is measurable CPU (docs/benchmarks-history.md). Message counts stay available from
                // orleans-gateway-sent/-received and the dashboard.
                metrics.AddView("orleans-messaging-sent-messages-size", MetricStreamConfiguration.Drop);
                metrics.AddView("orleans-messaging-received-messages-size", MetricStreamConfiguration.Drop);
                metrics.AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            // Traces: the app servers' spans continue here (grain calls, embedding, PostgreSQL commands). Only spans of a
            // trace an app server started and sampled are recorded: the silo's own background work (the runtime's calls
            // between silos, sweeps) would be a stream of root traces nobody asked for. The cache's grain calls are spans
            // of Microsoft.Orleans.Runtime (Orleans files every interface whose namespace starts with "Orleans" there).
            // Without an endpoint no tracer is registered, and no span is made on the silo.
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new AlwaysOffSampler()))
                .AddSource(LlmCacheActivity.SourceName, Orleans.Diagnostics.ActivitySources.RuntimeActivitySourceName, Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName, "Npgsql")
                .AddOtlpExporter());
            telemetry.WithLogging(logging => logging.AddOtlpExporter(), logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
        }

        // The Orleans Dashboard and the cache page behind the operator policy (LlmCache:Dashboard), checked now: a
        // production silo with open pages must not get as far as joining its cluster.
        var siloOptions = builder.Services.Where(d => d.ServiceType == typeof(LlmCacheSiloOptions)).Select(d => d.ImplementationInstance).OfType<LlmCacheSiloOptions>().LastOrDefault()
            ?? throw new InvalidOperationException("Call AddOrleansLlmCacheSilo() before AddOrleansLlmCacheSiloWeb().");
        var operators = OperatorAccessSettings.Read(builder.Configuration, siloOptions);
        builder.Services.AddOperatorAccess(operators);
        builder.UseOrleans(silo => silo.AddDashboard());
        builder.Services.AddOptions<GrainProfilerOptions>().Configure(profiler => profiler.TraceAlways = operators.Options.ProfileGrainCallsAlways);
        return builder;
    }

    /// <summary>
    /// Maps <c>/alive</c> (liveness: the process serves HTTP; never depends on Redis or PostgreSQL, so an outage of
    /// either does not make Kubernetes restart every silo at once) and <c>/health</c> (readiness: the silo is active
    /// in the cluster and answers reads through it; 200 when Healthy or Degraded, 503 when Unhealthy, with every
    /// check's status and reason as JSON, PostgreSQL's state among them).
    /// </summary>
    public static WebApplication MapOrleansLlmCacheSiloEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(SiloEndpoints.AlivePath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(SiloEndpoints.HealthPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(SiloEndpoints.ReadyTag),
            ResponseWriter = HealthReportJson.WriteAsync,
        });

        app.MapPrometheusScrapingEndpoint(SiloEndpoints.MetricsPath);

        // The probes and /metrics above stay anonymous for the kubelet and the cluster's Prometheus; the NetworkPolicy in
        // deploy/k8s decides who reaches the port. The operator pages require the llmcache-operator policy.
        var operators = app.Services.GetRequiredService<OperatorAccessSettings>();
        app.MapOrleansDashboard(SiloEndpoints.DashboardPath).RequireAuthorization(OperatorSchemes.Policy);
        app.MapCachePage(SiloEndpoints.CachePagePath).RequireAuthorization(OperatorSchemes.Policy);
        if (operators.Scheme == OperatorAuthentication.None)
        {
            var silo = app.Services.GetRequiredService<LlmCacheSiloOptions>();
            OperatorLog.Open(app.Logger, silo.HttpPort, operators.Options.AllowOpen ? "LlmCache:Dashboard:AllowOpen is true" : "the silo listens on loopback only");
        }
        else
        {
            OperatorLog.Guarded(app.Logger, OperatorAccessRegistration.Describe(operators));
        }

        return app;
    }
}
