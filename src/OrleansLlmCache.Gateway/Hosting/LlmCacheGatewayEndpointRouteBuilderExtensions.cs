using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Gateway.Authentication;
using OrleansLlmCache.Gateway.CacheApi;
using OrleansLlmCache.Gateway.Chat;
using OrleansLlmCache.Gateway.Embeddings;
using OrleansLlmCache.Gateway.Http;
using OrleansLlmCache.Gateway.Responses;
using OrleansLlmCache.Gateway.Upstreams;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the OpenAI-compatible caching gateway and the plain cache API; register them with <c>AddOrleansLlmCacheGateway()</c>.</summary>
public static class LlmCacheGatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/> (default <c>/v1</c>) and behind the gateway's API keys:
    /// <c>POST chat/completions</c>, <c>POST embeddings</c>, <c>POST responses</c> (and the stored responses' calls,
    /// passed through), <c>GET models</c> (every upstream's models),
    /// <c>GET/PUT/DELETE cache/entries/{key}</c>, <c>POST cache/invalidate</c> and
    /// <c>GET cache/stats</c>. Returns the route group, for more conventions (rate limiting, CORS).
    /// </summary>
    public static RouteGroupBuilder MapOrleansLlmCacheGateway(this IEndpointRouteBuilder endpoints, string prefix = "/v1")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix);
        group.RequireAuthorization(new AuthorizationPolicyBuilder(GatewayApiKeyHandler.SchemeName).RequireAuthenticatedUser().Build());
        group.AddEndpointFilter(ClusterAccessDenied.FilterAsync);
        group.MapPost("chat/completions", (HttpContext context) => context.RequestServices.GetRequiredService<ChatCompletionsEndpoint>().HandleAsync(context));
        group.MapPost("embeddings", (HttpContext context) => context.RequestServices.GetRequiredService<EmbeddingsEndpoint>().HandleAsync(context));
        group.MapPost("responses", (HttpContext context) => context.RequestServices.GetRequiredService<ResponsesEndpoint>().HandleAsync(context));
        group.MapGet("responses/{id}", (HttpContext context, string id) => Responses(context).ForwardAsync(context, HttpMethod.Get, "responses/" + Uri.EscapeDataString(id)));
        group.MapDelete("responses/{id}", (HttpContext context, string id) => Responses(context).ForwardAsync(context, HttpMethod.Delete, "responses/" + Uri.EscapeDataString(id)));
        group.MapGet("responses/{id}/input_items", (HttpContext context, string id) => Responses(context).ForwardAsync(context, HttpMethod.Get, $"responses/{Uri.EscapeDataString(id)}/input_items"));
        group.MapPost("responses/{id}/cancel", (HttpContext context, string id) => Responses(context).ForwardAsync(context, HttpMethod.Post, $"responses/{Uri.EscapeDataString(id)}/cancel"));
        group.MapGet("models", (HttpContext context) => context.RequestServices.GetRequiredService<ModelsEndpoint>().ListAsync(context));
        group.MapGet("models/{model}", (HttpContext context, string model) => context.RequestServices.GetRequiredService<ModelsEndpoint>().GetAsync(context, model));
        CacheEndpoints.Map(group);
        return group;
    }

    private static ResponsesEndpoint Responses(HttpContext context) => context.RequestServices.GetRequiredService<ResponsesEndpoint>();
}
