using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Gateway.Http;
using OrleansLlmCache.Gateway.Options;

namespace OrleansLlmCache.Gateway.Upstreams;

/// <summary>
/// Every configured upstream, and the choice of one by a request's <c>model</c>: the first entry of
/// <c>LlmCache:Gateway:Upstreams</c> with a matching pattern, else the default <c>LlmCache:Gateway:Upstream</c> when it
/// has a base URL. The model is already part of every cache key, so routing never changes which entry a request uses.
/// </summary>
internal sealed class GatewayUpstreams
{
    private const string Section = LlmCacheGatewayOptions.SectionName;

    private readonly GatewayUpstream[] _routes;

    public GatewayUpstreams(IOptions<LlmCacheGatewayOptions> options, IHttpClientFactory clients, ILogger<GatewayUpstream> logger)
    {
        var settings = options.Value;
        _routes = [.. settings.Upstreams.Select((u, i) => new GatewayUpstream($"{Section}:Upstreams:{i}", u, clients, logger))];
        Default = string.IsNullOrEmpty(settings.Upstream.BaseUrl) ? null : new GatewayUpstream($"{Section}:Upstream", settings.Upstream, clients, logger);
        All = Default is null ? _routes : [.. _routes, Default];
    }

    /// <summary>Every upstream in routing order: the entries of <c>Upstreams</c>, then the default one (when it has a base URL).</summary>
    public IReadOnlyList<GatewayUpstream> All { get; }

    /// <summary>The default upstream, or <see langword="null"/> when <c>LlmCache:Gateway:Upstream:BaseUrl</c> is not set.</summary>
    public GatewayUpstream? Default { get; }

    /// <summary>The upstream that answers <paramref name="model"/>, or <see langword="null"/> when none does.</summary>
    public GatewayUpstream? Route(string model) =>
        _routes.FirstOrDefault(upstream => upstream.Models.Any(pattern => ModelPattern.Matches(pattern, model))) ?? Default;

    /// <summary>
    /// The upstream that answers <paramref name="model"/>; when none does, writes a 503 that names the model and the
    /// settings that would route it, and returns <see langword="null"/>.
    /// </summary>
    public async Task<GatewayUpstream?> RouteOrRefuseAsync(HttpContext context, string model)
    {
        if (Route(model) is { } upstream)
        {
            return upstream;
        }

        var message = _routes.Length == 0
            ? $"This gateway has no upstream for the model '{model}': set {Section}:Upstream:BaseUrl (for example https://api.openai.com/v1), or add an entry to {Section}:Upstreams whose Models name it."
            : $"This gateway has no upstream for the model '{model}': no entry of {Section}:Upstreams names it ({string.Join(", ", _routes.SelectMany(u => u.Models))}) and {Section}:Upstream:BaseUrl is not set.";
        await OpenAiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, message, OpenAiErrors.Server, "no_upstream");
        return null;
    }
}
