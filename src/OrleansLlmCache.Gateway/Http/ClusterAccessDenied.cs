using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Gateway.Diagnostics;

namespace OrleansLlmCache.Gateway.Http;

/// <summary>
/// Answers a request whose cache call the silos refused (the gateway's own cluster access key does not reach the API
/// key's tenant) with a 500 in OpenAI's shape: the operator's configuration is at fault, not the caller's request.
/// </summary>
internal static class ClusterAccessDenied
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (LlmCacheAccessDeniedException ex) when (!context.HttpContext.Response.HasStarted)
        {
            // The silo's message names the gateway's key and what it reaches: the log's business, not the caller's.
            var tenant = ex.Tenant ?? "(none)";
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClusterAccessDenied).FullName!);
            Log.ClusterAccessDenied(logger, tenant, ex.Message);
            await OpenAiErrors.WriteAsync(
                context.HttpContext,
                StatusCodes.Status500InternalServerError,
                $"The cache cluster refused this gateway's access to tenant '{tenant}': the gateway's cluster access key (LlmCache:Cluster:AccessKey) does not reach it. The gateway's operator must give it a key for this tenant.",
                OpenAiErrors.Server,
                "cluster_access_denied");
            return Results.Empty;
        }
    }
}
