using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Gateway.Diagnostics;
using OrleansLlmCache.Gateway.Http;

namespace OrleansLlmCache.Gateway.Upstreams;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{model}</c>, never cached (the lists are small and change). With one
/// upstream its list is passed through as it comes. With several, their <c>data</c> arrays are merged in routing order
/// (a model id listed twice is kept once, from the upstream that comes first); an upstream that fails is left out and
/// named in <see cref="FailuresHeader"/> and the log, so a client's model picker keeps working while one provider is
/// down; only when every upstream fails is the answer a 502. A single model goes to the upstream that routes it.
/// </summary>
internal sealed class ModelsEndpoint(GatewayUpstreams upstreams, ILogger<ModelsEndpoint> logger)
{
    /// <summary>On a merged list, the upstreams left out and why: <c>LlmCache:Gateway:Upstreams:1 (status 401), ...</c>.</summary>
    public const string FailuresHeader = "x-llmcache-upstream-failures";

    private const string Path = "models";

    public async Task ListAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        switch (upstreams.All)
        {
            case []:
                await OpenAiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    "This gateway has no upstream: set LlmCache:Gateway:Upstream:BaseUrl (for example https://api.openai.com/v1) or LlmCache:Gateway:Upstreams.",
                    OpenAiErrors.Server, "no_upstream");
                return;
            case [var only]:
                await only.ForwardAsync(context, HttpMethod.Get, Path, body: null, ct);
                return;
        }

        var lists = await Task.WhenAll(upstreams.All.Select(u => FetchAsync(context, u, ct)));
        var failures = upstreams.All.Zip(lists).Where(p => p.Second.Failure is not null).Select(p => $"{p.First.Setting} ({p.Second.Failure})").ToList();
        if (failures.Count == upstreams.All.Count)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
                $"No upstream answered GET /models: {string.Join("; ", failures)}. Check those settings.",
                OpenAiErrors.Server, "upstream_unreachable");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var data = new JsonArray();
        foreach (var model in lists.SelectMany(l => l.Models))
        {
            var id = model is JsonObject entry && entry["id"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (id is null || seen.Add(id))
            {
                data.Add(model?.DeepClone());
            }
        }

        if (failures.Count > 0)
        {
            context.Response.Headers[FailuresHeader] = string.Join(", ", failures);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(), ct);
    }

    public async Task GetAsync(HttpContext context, string model)
    {
        if (await upstreams.RouteOrRefuseAsync(context, model) is { } upstream)
        {
            await upstream.ForwardAsync(context, HttpMethod.Get, Path + "/" + Uri.EscapeDataString(model), body: null, context.RequestAborted);
        }
    }

    /// <summary>
    /// One upstream's <c>data</c>, or a short reason it has none (plain ASCII, for the failures header). Its error body
    /// is not logged: with a caller's own provider key it may quote part of that key.
    /// </summary>
    private async Task<(IReadOnlyList<JsonNode?> Models, string? Failure)> FetchAsync(HttpContext context, GatewayUpstream upstream, CancellationToken ct)
    {
        string failure;
        string? detail = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(upstream.Timeout);
            using var response = await upstream.SendAsync(context, HttpMethod.Get, Path, body: null, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                failure = $"status {(int)response.StatusCode}";
            }
            else if (JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token)) is JsonObject { } root && root["data"] is JsonArray list)
            {
                return ([.. list], null);
            }
            else
            {
                failure = "not a model list";
            }
        }
        catch (JsonException ex)
        {
            (failure, detail) = ("not a model list", ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            (failure, detail) = ("unreachable", ex.Message);
        }

        Log.ModelsUpstreamFailed(logger, upstream.Setting, upstream.BaseUrl, failure, detail ?? failure);
        return ([], failure);
    }
}
