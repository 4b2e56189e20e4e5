using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansLlmCache.Core.Secrets;

namespace OrleansLlmCache.Silo.Hosting;

/// <summary>
/// The <c>/health</c> body: the overall status and each check's status and reason, so that an operator (or a
/// dashboard) sees why a silo is degraded without reading its log. The path answers without credentials, so a reason
/// that quotes a connection string has its password hidden:
/// <code>{ "status": "Degraded", "checks": { "postgresql": { "status": "Degraded", "description": "PostgreSQL does not answer (...)" } } }</code>
/// </summary>
internal static class HealthReportJson
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description is { } reason ? SecretRedaction.Redact(reason) : null }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
