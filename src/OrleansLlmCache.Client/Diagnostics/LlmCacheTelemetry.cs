using OrleansLlmCache.Core.Diagnostics;

namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>
/// The names an OpenTelemetry set-up needs to collect the cache's spans and metrics:
/// <code>
/// builder.Services.AddOpenTelemetry()
///     .WithTracing(t => t.AddSource(LlmCacheTelemetry.ActivitySourceName))
///     .WithMetrics(m => m.AddMeter(LlmCacheTelemetry.MeterName));
/// </code>
/// </summary>
public static class LlmCacheTelemetry
{
    /// <summary>
    /// The source of the cache's spans, on app servers and silos alike: one span per cache operation on the app server
    /// (<c>llmcache.get</c>, <c>llmcache.set</c>, <c>llmcache.remove</c>, <c>llmcache.get_or_create</c>,
    /// <c>llmcache.invalidate</c>, <c>llmcache.semantic_lookup</c>) and the silo's own work (<c>llmcache.embed</c>).
    /// Every grain call carries the trace's context, so the silos' spans (grain calls, embedding, PostgreSQL commands)
    /// continue the app server's trace; add Orleans' source <c>Microsoft.Orleans.Runtime</c> on the app server only to
    /// see its client-side grain call spans too.
    /// </summary>
    public const string ActivitySourceName = LlmCacheActivity.SourceName;

    /// <summary>The app server's meter (<see cref="LlmCacheStatistics.MeterName"/>).</summary>
    public const string MeterName = LlmCacheStatistics.MeterName;
}
