using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Gateway.Diagnostics;
using OrleansLlmCache.Gateway.Http;
using OrleansLlmCache.Gateway.Options;

namespace OrleansLlmCache.Gateway.Chat;

/// <summary>The upstream OpenAI-compatible endpoint: a request body goes out as the caller sent it, with the gateway's key.</summary>
internal sealed class GatewayUpstream(HttpClient http, IOptions<LlmCacheGatewayOptions> options, ILogger<GatewayUpstream> logger)
{
    // Upstream response headers worth passing on: the client's retry and rate-limit logic reads them.
    private static readonly string[] PassedHeaderNames = ["retry-after", "retry-after-ms", "x-request-id", "openai-processing-ms"];

    private readonly GatewayUpstreamOptions _upstream = options.Value.Upstream;

    public string? BaseUrl => _upstream.BaseUrl;

    /// <summary>Posts <paramref name="body"/> to <c>{BaseUrl}/{path}</c>; the response is returned once its headers arrive.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, byte[] body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body, cancellationToken);

    /// <summary>
    /// Writes a 503 naming the missing setting and returns false when no upstream is configured; true when there is one.
    /// </summary>
    public async Task<bool> EnsureConfiguredAsync(HttpContext context)
    {
        if (!string.IsNullOrEmpty(_upstream.BaseUrl))
        {
            return true;
        }

        await OpenAiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
            "This gateway has no upstream: set LlmCache:Gateway:Upstream:BaseUrl (for example https://api.openai.com/v1).",
            OpenAiErrors.Server, "no_upstream");
        return false;
    }

    /// <summary>
    /// Sends the request to <c>{BaseUrl}/{path}</c> and writes the upstream's answer to the caller as it came (status,
    /// body, content type, retry and rate-limit headers), uncached; a 502 when the upstream cannot be reached in time.
    /// </summary>
    public async Task ForwardAsync(HttpContext context, HttpMethod method, string path, byte[]? body, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_upstream.Timeout);
            using var response = await SendAsync(method, path, body, timeout.Token);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            foreach (var (name, value) in PassedHeaders(response))
            {
                context.Response.Headers.Append(name, value);
            }

            await response.Content.CopyToAsync(context.Response.Body, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested && !context.Response.HasStarted)
        {
            await UnreachableAsync(context, ex);
        }
    }

    /// <summary>Answers 502 in OpenAI's error shape, saying which upstream did not answer and which setting to check.</summary>
    public async Task UnreachableAsync(HttpContext context, Exception ex)
    {
        Log.UpstreamUnreachable(logger, ex.Message);
        context.Response.Headers.Remove(CacheResponse.StatusHeader);
        await OpenAiErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
            $"The upstream at {_upstream.BaseUrl} could not be reached or did not answer in time ({ex.Message}); check LlmCache:Gateway:Upstream.",
            OpenAiErrors.Server, "upstream_unreachable");
    }

    /// <summary>The upstream's retry and rate-limit headers, to pass on to the caller.</summary>
    public static List<KeyValuePair<string, string>> PassedHeaders(HttpResponseMessage response) =>
        [.. response.Headers
            .Where(h => PassedHeaderNames.Contains(h.Key, StringComparer.OrdinalIgnoreCase) || h.Key.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)))];

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, _upstream.BaseUrl!.TrimEnd('/') + "/" + path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }

        if (!string.IsNullOrEmpty(_upstream.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _upstream.ApiKey);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
