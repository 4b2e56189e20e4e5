using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Gateway.Options;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// The gateway mapped on its own ASP.NET Core app on 127.0.0.1 (as an app server would host it in process), in front of
/// a <see cref="StubUpstream"/>, talking to the test cluster through the given <see cref="ILlmCache"/>. Two API keys:
/// <see cref="KeyA"/> for tenant <c>tenant-a</c>, <see cref="KeyB"/> for tenant <c>tenant-b</c> (namespaces support and content:*).
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string KeyA = "sk-gateway-test-a";
    public const string KeyB = "sk-gateway-test-b";
    public const string TenantA = "tenant-a";
    public const string TenantB = "tenant-b";
    public const string UpstreamKey = "sk-upstream-secret";

    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, string baseUrl, StubUpstream upstream)
    {
        _app = app;
        BaseUrl = baseUrl;
        Upstream = upstream;
    }

    /// <summary>The gateway's OpenAI base URL, ending in <c>/v1</c>.</summary>
    public string BaseUrl { get; }

    public StubUpstream Upstream { get; }

    /// <summary>A question or text no other test asks, so each test starts with a miss.</summary>
    public static string Unique(string text) => $"{text} ({Guid.NewGuid():N})";

    /// <summary>A response header of an SDK call, or <see langword="null"/>.</summary>
    public static string? Header<T>(ClientResult<T> result, string name) =>
        result.GetRawResponse().Headers.TryGetValue(name, out var value) ? value : null;

    public static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static async Task<GatewayHost> StartAsync(ILlmCache cache, IGrainFactory grains, Action<LlmCacheGatewayOptions>? configure = null)
    {
        var upstream = await StubUpstream.StartAsync();
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(cache);
        builder.Services.AddSingleton(grains);
        builder.Services.AddOrleansLlmCacheGateway(o =>
        {
            o.Upstream.BaseUrl = upstream.BaseUrl;
            o.Upstream.ApiKey = UpstreamKey;
            o.ApiKeys.Add(new GatewayApiKeyOptions { Name = "a", Sha256 = Sha256(KeyA), Tenant = TenantA });
            o.ApiKeys.Add(new GatewayApiKeyOptions { Name = "b", Sha256 = Sha256(KeyB).ToUpperInvariant(), Tenant = TenantB, Namespaces = ["support", "content:*"] });
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.MapOrleansLlmCacheGateway();
        await app.StartAsync();
        return new GatewayHost(app, $"http://127.0.0.1:{port}/v1", upstream);
    }

    /// <summary>The official OpenAI SDK's options for this gateway, without retries: every upstream call a test counts is its own.</summary>
    public OpenAIClientOptions SdkOptions() => new()
    {
        Endpoint = new Uri(BaseUrl),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    };

    public HttpClient CreateHttpClient(string? key = KeyA)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
