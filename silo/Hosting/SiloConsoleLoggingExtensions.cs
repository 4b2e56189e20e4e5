using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The silo's console log: every entry carries its time, in UTC, so that logs of several silos line up.</summary>
public static class SiloConsoleLoggingExtensions
{
    /// <summary>
    /// Stamps console log entries with their UTC time (ISO 8601 with milliseconds), in the simple format used on a
    /// terminal and in the JSON format the Kubernetes manifests choose, unless <c>Logging:Console:FormatterOptions:TimestampFormat</c>
    /// sets another format.
    /// </summary>
    public static WebApplicationBuilder AddOrleansLlmCacheSiloConsoleLogging(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Registered after the configuration binding of the host's defaults, so these run last and only fill a gap.
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o => Stamp(o, "yyyy-MM-dd'T'HH:mm:ss.fff'Z' "));
        builder.Services.Configure<JsonConsoleFormatterOptions>(o => Stamp(o, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));
        return builder;
    }

    private static void Stamp(ConsoleFormatterOptions options, string format)
    {
        if (options.TimestampFormat is null)
        {
            options.TimestampFormat = format;
            options.UseUtcTimestamp = true;
        }
    }
}
