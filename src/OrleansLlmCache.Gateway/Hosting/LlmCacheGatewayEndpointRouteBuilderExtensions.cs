using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Gateway.Authentication;
using OrleansLlmCache.Gateway.CacheApi;
using OrleansLlmCache.Gateway.Chat;
using OrleansLlmCache.Gateway.Embeddings;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the OpenAI-compatible caching gateway and the plain cache API; register them with <c>AddOrleansLlmCacheGateway()</c>.</summary>
public static class LlmCacheGatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/> (default <c>/v1</c>) and behind the gateway's API keys:
    /// <c>POST chat/completions</c>, <c>POST embeddings</c>, <c>GET models</c> (passed through to the upstream),
    /// <c>GET/PUT/DELETE cache/entries/{key}</c>, <c>POST cache/invalidate</c> and
    /// <c>GET cache/stats</c>. Returns the route group, for more conventions (rate limiting, CORS).
    /// </summary>
    public static RouteGroupBuilder MapOrleansLlmCacheGateway(this IEndpointRouteBuilder endpoints, string prefix = "/v1")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix);
        group.RequireAuthorization(new AuthorizationPolicyBuilder(GatewayApiKeyHandler.SchemeName).RequireAuthenticatedUser().Build());
        group.MapPost("chat/completions", (HttpContext context) => context.RequestServices.GetRequiredService<ChatCompletionsEndpoint>().HandleAsync(context));
        group.MapPost("embeddings", (HttpContext context) => context.RequestServices.GetRequiredService<EmbeddingsEndpoint>().HandleAsync(context));
        group.MapGet("models", (HttpContext context) => ModelsAsync(context, "models"));
        group.MapGet("models/{model}", (HttpContext context, string model) => ModelsAsync(context, "models/" + Uri.EscapeDataString(model)));
        CacheEndpoints.Map(group);
        return group;
    }

    // The upstream's models, passed through as they come (nothing to cache: the list is small and changes).
    private static async Task ModelsAsync(HttpContext context, string path)
    {
        var upstream = context.RequestServices.GetRequiredService<GatewayUpstream>();
        if (await upstream.EnsureConfiguredAsync(context))
        {
            await upstream.ForwardAsync(context, HttpMethod.Get, path, body: null, context.RequestAborted);
        }
    }
}
