using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Gateway.Exact;
using OrleansLlmCache.Gateway.Http;
using OrleansLlmCache.Gateway.Options;
using OrleansLlmCache.Gateway.Upstreams;

namespace OrleansLlmCache.Gateway.Responses;

/// <summary>
/// <c>POST /v1/responses</c> (OpenAI's Responses API): a completed response is cached under an exact key of the whole
/// request and served again as it came, streamed or not. The request carries what decides the answer (input,
/// instructions, tools, a previous response's id, <c>stream</c>), so the whole body is the key; a streaming and a
/// non-streaming request are cached apart. Only completed responses are stored (not queued, in-progress, incomplete or
/// failed ones); streaming misses are single-flight, the caller holding the lease receiving the upstream's events live.
/// </summary>
internal sealed class ResponsesEndpoint(
    ILlmCache cache,
    GatewayUpstreams upstreams,
    IOptions<LlmCacheGatewayOptions> options,
    TimeProvider time,
    ILogger<ResponsesEndpoint> logger)
    : ExactRequestEndpoint(cache, upstreams, options, time, logger)
{
    /// <summary>A stored non-streaming answer: the upstream's <c>response</c> object, as it came.</summary>
    public const string ResponseContentType = "application/vnd.orleansllmcache.openai-response.v1+json";

    /// <summary>A stored streaming answer: the upstream's server-sent events, as they came, up to <c>response.completed</c>.</summary>
    public const string EventsContentType = "application/vnd.orleansllmcache.openai-response-events.v1";

    protected override string UpstreamPath => "responses";

    protected override string KeyPrefix => "openai.responses.v1\n";

    protected override string Shape => "a JSON object with 'model' and 'input'";

    protected override BadRequest? Problem(JsonElement root) => RequireModelAndInput(root, "gpt-4o-mini", "the text, or a list of input items");

    protected override bool IsOwn(CachedResponse stored) => stored.ContentType is ResponseContentType or EventsContentType;

    protected override Task<CachedResponse> AskAsync(ExactExchange exchange, CancellationToken cancellationToken) =>
        exchange.Stream
            ? StreamAsync(exchange, cancellationToken)
            : AskWholeAsync(exchange, ResponseContentType, text => Describe(text, out var response) ? response : null, "the response is not completed", cancellationToken);

    protected override async Task WriteStoredAsync(HttpContext context, CachedResponse stored, string status)
    {
        var bytes = Encoding.UTF8.GetBytes(stored.Content);
        if (stored.ContentType != EventsContentType)
        {
            await CacheResponse.WriteJsonAsync(context, bytes, status);
            return;
        }

        context.Response.Headers[CacheResponse.StatusHeader] = status;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>
    /// <c>GET responses/{id}</c>, <c>DELETE responses/{id}</c>, <c>GET responses/{id}/input_items</c> and
    /// <c>POST responses/{id}/cancel</c>: the upstream's stored responses, passed through uncached to the default
    /// upstream (a response id does not name its model).
    /// </summary>
    public async Task ForwardAsync(HttpContext context, HttpMethod method, string path)
    {
        var upstream = Upstreams.Default ?? (Upstreams.All.Count == 1 ? Upstreams.All[0] : null);
        if (upstream is null)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"Stored responses are asked of the default upstream, and this gateway has none: set {LlmCacheGatewayOptions.SectionName}:Upstream:BaseUrl.",
                OpenAiErrors.Server, "no_upstream");
            return;
        }

        byte[]? body = null;
        if (method == HttpMethod.Post && (body = await RequestBody.ReadOrRefuseAsync(context, Options.MaxRequestBytes)) is null)
        {
            return;
        }

        await upstream.ForwardAsync(context, method, path + context.Request.QueryString, body, context.RequestAborted);
    }

    // The upstream's events go to this caller as they come and are kept whole for the cache, if the response completes.
    private async Task<CachedResponse> StreamAsync(ExactExchange exchange, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(exchange.Upstream.Timeout);
        using var response = await exchange.Upstream.SendAsync(exchange.Context, HttpMethod.Post, UpstreamPath, exchange.Body, timeout.Token);
        var status = (int)response.StatusCode;
        var upstreamType = response.Content.Headers.ContentType?.ToString();
        if (status >= 400 || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            throw new UpstreamAnswerException(status, bytes, upstreamType, GatewayUpstream.PassedHeaders(response), $"status {status}, {upstreamType}");
        }

        var http = exchange.Context.Response;
        http.Headers[CacheResponse.StatusHeader] = "miss";
        http.ContentType = "text/event-stream";
        http.Headers.CacheControl = "no-cache";
        exchange.Streamed = true;
        var events = new StringBuilder();
        (string Model, int Input, int Output)? completed = null;
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            await http.WriteAsync(line + "\n", timeout.Token);
            events.Append(line).Append('\n');
            if (line.Length == 0)
            {
                await http.Body.FlushAsync(timeout.Token);
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal) && CompletedEvent(line[5..].TrimStart()) is { } done)
            {
                completed = done;
            }
        }

        await http.Body.FlushAsync(timeout.Token);
        if (completed is not { } described)
        {
            Diagnostics.Log.NotStored(Logger, exchange.Key.ToGrainKey(), "the stream ended without response.completed");
            throw new UpstreamAnswerException(status, [], upstreamType, [], "the stream ended without response.completed");
        }

        return Checked(exchange, new CachedResponse(events.ToString(), described.Model, described.Input, described.Output, EventsContentType), [], upstreamType);
    }

    // The response of a "response.completed" event, described for the cache's accounting; null for any other event.
    private static (string Model, int Input, int Output)? CompletedEvent(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "response.completed"
                && root.TryGetProperty("response", out var response) && Describe(response, out var described)
                ? described
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Describe(string text, out (string Model, int Input, int Output) described)
    {
        described = default;
        try
        {
            using var document = JsonDocument.Parse(text);
            return Describe(document.RootElement, out described);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // A completed "response" object: its model and token counts.
    private static bool Describe(JsonElement response, out (string Model, int Input, int Output) described)
    {
        described = default;
        if (response.ValueKind != JsonValueKind.Object
            || !response.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String || status.GetString() != "completed")
        {
            return false;
        }

        var model = response.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(m.GetString()) ? m.GetString()! : "unknown";
        var (input, output) = (0, 0);
        if (response.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            input = usage.TryGetProperty("input_tokens", out var i) && i.TryGetInt32(out var iv) ? Math.Max(0, iv) : 0;
            output = usage.TryGetProperty("output_tokens", out var o) && o.TryGetInt32(out var ov) ? Math.Max(0, ov) : 0;
        }

        described = (model, input, output);
        return true;
    }
}
