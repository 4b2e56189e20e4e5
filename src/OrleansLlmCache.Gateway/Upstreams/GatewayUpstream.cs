using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Gateway.Authentication;
using OrleansLlmCache.Gateway.Diagnostics;
using OrleansLlmCache.Gateway.Http;
using OrleansLlmCache.Gateway.Options;

namespace OrleansLlmCache.Gateway.Upstreams;

/// <summary>
/// One configured OpenAI-compatible upstream: a request body goes out as the caller sent it, with the gateway's key (or,
/// with <c>PassCallerKey</c>, the caller's own). Its messages name the setting it came from (<see cref="Setting"/>), so
/// an operator knows which entry to fix.
/// </summary>
internal sealed class GatewayUpstream(string setting, GatewayUpstreamOptions options, IHttpClientFactory clients, ILogger logger)
{
    /// <summary>The named HTTP client every upstream call goes through (its handlers pooled by the factory).</summary>
    public const string HttpClientName = "OrleansLlmCache.Gateway.Upstream";

    // Upstream response headers worth passing on: the client's retry and rate-limit logic reads them.
    private static readonly string[] PassedHeaderNames = ["retry-after", "retry-after-ms", "x-request-id", "openai-processing-ms"];

    /// <summary>The configuration path of this upstream: <c>LlmCache:Gateway:Upstream</c> or <c>LlmCache:Gateway:Upstreams:N</c>.</summary>
    public string Setting { get; } = setting;

    public string BaseUrl { get; } = options.BaseUrl!;

    /// <summary>The model patterns it answers; empty for the default upstream, which answers every model no entry names.</summary>
    public IReadOnlyList<string> Models { get; } = options is GatewayModelUpstreamOptions routed ? [.. routed.Models] : [];

    /// <summary>How long one call may take, a whole stream included.</summary>
    public TimeSpan Timeout { get; } = options.Timeout;

    /// <summary>
    /// Sends the request of <paramref name="caller"/> to <c>{BaseUrl}/{path}</c>; the response is returned once its
    /// headers arrive. The HTTP client factory's logs redact every header value, so the key sent is never logged.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpContext caller, HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, BaseUrl.TrimEnd('/') + "/" + path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }

        if (CallerKey(caller) is { } own)
        {
            request.Headers.TryAddWithoutValidation("Authorization", own);
        }
        else if (!string.IsNullOrEmpty(options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        return await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
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
            timeout.CancelAfter(Timeout);
            using var response = await SendAsync(context, method, path, body, timeout.Token);
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
        Log.UpstreamUnreachable(logger, Setting, BaseUrl, ex.Message);
        context.Response.Headers.Remove(CacheResponse.StatusHeader);
        await OpenAiErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
            $"The upstream at {BaseUrl} could not be reached or did not answer in time ({ex.Message}); check {Setting}.",
            OpenAiErrors.Server, "upstream_unreachable");
    }

    /// <summary>
    /// The caller's own <c>Authorization</c> header, when this upstream passes callers' keys and the caller presented
    /// its gateway key in <c>x-llmcache-api-key</c> (so that Authorization is not the gateway key); otherwise
    /// <see langword="null"/>. Read from the request each time: it is never kept.
    /// </summary>
    private string? CallerKey(HttpContext caller) =>
        options.PassCallerKey
        && GatewayCaller.From(caller.User).KeyInHeader
        && caller.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization
            ? authorization
            : null;

    /// <summary>The upstream's retry and rate-limit headers, to pass on to the caller.</summary>
    public static List<KeyValuePair<string, string>> PassedHeaders(HttpResponseMessage response) =>
        [.. response.Headers
            .Where(h => PassedHeaderNames.Contains(h.Key, StringComparer.OrdinalIgnoreCase) || h.Key.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)))];
}
