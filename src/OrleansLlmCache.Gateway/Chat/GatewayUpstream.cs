using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Gateway.Options;

namespace OrleansLlmCache.Gateway.Chat;

/// <summary>The upstream OpenAI-compatible endpoint: a request body goes out as the caller sent it, with the gateway's key.</summary>
internal sealed class GatewayUpstream(HttpClient http, IOptions<LlmCacheGatewayOptions> options)
{
    private readonly GatewayUpstreamOptions _upstream = options.Value.Upstream;

    public string? BaseUrl => _upstream.BaseUrl;

    /// <summary>Posts <paramref name="body"/> to <c>{BaseUrl}/{path}</c>; the response is returned once its headers arrive.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _upstream.BaseUrl!.TrimEnd('/') + "/" + path)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (!string.IsNullOrEmpty(_upstream.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _upstream.ApiKey);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
