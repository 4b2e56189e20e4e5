using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every project of the sample shares under Aspire: OpenTelemetry logs, traces and metrics sent to the
/// Aspire dashboard over OTLP (Aspire sets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> on each project it starts), health
/// checks, service discovery, and resilient <see cref="System.Net.Http.HttpClient"/>s.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// The activity source of the cache client's spans. Named by its string, like the meters below, so these defaults
    /// need no reference to the cache.
    /// </summary>
    public const string CacheActivitySource = "OrleansLlmCache";

    /// <summary>The cache's meters: the client's (hits, misses, latency) and the silo's (entries, storage).</summary>
    public static readonly IReadOnlyList<string> CacheMeters = ["OrleansLlmCache.Client", "OrleansLlmCache.Silo"];

    /// <summary>Where the dashboard polls health: readiness (every check) and liveness (the checks tagged <c>live</c>).</summary>
    public const string HealthPath = "/health";

    /// <inheritdoc cref="HealthPath"/>
    public const string AlivePath = "/alive";

    /// <summary>Adds telemetry, health checks, service discovery and resilience to <paramref name="builder"/>.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Logs, traces and metrics: ASP.NET Core, HttpClient, the runtime, Orleans and the cache; exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, as it is under Aspire.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter([.. CacheMeters, "Microsoft.Orleans"]))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, CacheActivitySource, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                // The dashboard's own polling of the health endpoints is not worth a trace each time.
                .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    !context.Request.Path.StartsWithSegments(HealthPath) && !context.Request.Path.StartsWithSegments(AlivePath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Maps <c>/health</c> and <c>/alive</c> in development, where the dashboard reads them.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Environment.IsDevelopment())
        {
            app.MapHealthChecks(HealthPath);
            app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        }

        return app;
    }
}
