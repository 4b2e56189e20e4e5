using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Gateway.Options;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// A cache hit three ways, side by side in one process and one run: through the HTTP gateway (an OpenAI request over
/// loopback HTTP/1.1, answered from the app server's L1), through the <see cref="IChatClient"/> middleware in process
/// (no HTTP), and from a bare ASP.NET Core endpoint on Kestrel that returns the same bytes as the gateway's hit (the
/// floor for anything served over HTTP). Answers of 1 KiB and 16 KiB, 1 and 64 concurrent clients.
/// </summary>
internal static class GatewayBenchmark
{
    private const string Key = "sk-benchmark";

    public static async Task RunAsync(TimeSpan duration)
    {
        await using var silo = await TcpSilo.StartAsync("gateway-" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
        var cache = host.Cache;
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        await using var upstream = await StartAsync(app => app.MapPost("/v1/chat/completions", (HttpContext c) => UpstreamAsync(c)));
        await using var gateway = await StartAsync(
            app => app.MapOrleansLlmCacheGateway(),
            services =>
            {
                services.AddSingleton(cache);
                services.AddSingleton(grains);
                services.AddOrleansLlmCacheGateway(o =>
                {
                    o.Upstream.BaseUrl = upstream.Url + "/v1";
                    o.ApiKeys.Add(new GatewayApiKeyOptions { Name = "benchmark", Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key))), Tenant = "benchmark" });
                });
            });
        var bodies = new Dictionary<int, byte[]>();
        await using var bare = await StartAsync(app => app.MapPost("/v1/chat/completions", async (HttpContext c) =>
        {
            await c.Request.Body.CopyToAsync(Stream.Null);
            var body = bodies[int.Parse(c.Request.Headers["x-size"]!, CultureInfo.InvariantCulture)];
            c.Response.ContentType = "application/json";
            c.Response.ContentLength = body.Length;
            await c.Response.Body.WriteAsync(body);
        }));

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        var results = new List<LoadResult>();
        foreach (var size in new[] { 1024, 16 * 1024 })
        {
            var request = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["model"] = "gpt-4o-mini",
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"answer with {size} bytes" }),
            }.ToJsonString());

            // The first request is the miss that stores the answer; the hit's bytes are what the bare endpoint returns.
            await SendAsync(http, gateway.Url, request, size, expectHit: false);
            bodies[size] = await SendAsync(http, gateway.Url, request, size, expectHit: true);

            var chat = new OrleansLlmCacheChatClient(new FixedAnswerChatClient(new string('x', size)), cache);
            var messages = new List<ChatMessage> { new(ChatRole.User, $"answer with {size} bytes") };
            var options = new ChatOptions { ModelId = "gpt-4o-mini" };
            await chat.GetResponseAsync(messages, options); // the miss

            foreach (var clients in new[] { 1, 64 })
            {
                var warmup = TimeSpan.FromSeconds(2); // tiered JIT and connection pools: the first rows are otherwise cold
                results.Add(await LoadRunner.RunAsync("gateway hit (HTTP)", size, clients, warmup, duration,
                    _ => SendAsync(http, gateway.Url, request, size, expectHit: true)));
                results.Add(await LoadRunner.RunAsync("IChatClient middleware hit (in process)", size, clients, warmup, duration,
                    async _ => await chat.GetResponseAsync(messages, options)));
                results.Add(await LoadRunner.RunAsync("bare ASP.NET Core endpoint, same bytes (HTTP)", size, clients, warmup, duration,
                    _ => SendAsync(http, bare.Url, request, size, expectHit: null)));
            }
        }

        Console.WriteLine($"Gateway hits, {duration.TotalSeconds:0.#} s per row, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        Console.WriteLine("| what | answer | clients | p50 | p99 | req/s |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.PayloadBytes / 1024} KiB | {r.Callers} | {r.Percentile(50):0} µs | {r.Percentile(99):0} µs | {r.Throughput:N0} |"));
        }

        Console.WriteLine();
        foreach (var group in results.GroupBy(r => (r.PayloadBytes, r.Callers)))
        {
            var g = group.First(r => r.Name.StartsWith("gateway", StringComparison.Ordinal));
            var b = group.First(r => r.Name.StartsWith("bare", StringComparison.Ordinal));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key.PayloadBytes / 1024} KiB, {group.Key.Callers} clients: gateway p50 {g.Percentile(50) / b.Percentile(50):0.00}x the bare endpoint's, {g.Throughput / b.Throughput:0.00}x its req/s"));
        }
    }

    private static async Task<byte[]> SendAsync(HttpClient http, string url, byte[] body, int size, bool? expectHit)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url + "/v1/chat/completions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        request.Headers.Add("x-size", size.ToString(CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK
            || (expectHit == true && (!response.Headers.TryGetValues("x-llmcache-status", out var status) || status.Single() != "hit")))
        {
            throw new InvalidOperationException($"expected a {(expectHit == true ? "hit" : "200")} from {url}, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }

        return bytes;
    }

    // The stub upstream: a chat.completion whose answer is as long as the request asks ("answer with N bytes").
    private static async Task UpstreamAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body))!;
        var size = int.Parse(((string)request["messages"]![0]!["content"]!).Split(' ')[2], CultureInfo.InvariantCulture);
        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-benchmark",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = (string?)request["model"],
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = new string('x', size) },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = size / 4, ["total_tokens"] = 10 + (size / 4) },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(completion.ToJsonString());
    }

    private static async Task<Server> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new Server(app, $"http://127.0.0.1:{port}");
    }

    private sealed record Server(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }

    /// <summary>The origin of the middleware's miss: always the same text.</summary>
    private sealed class FixedAnswerChatClient(string answer) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)) { ModelId = options?.ModelId });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the benchmark asks for whole answers only");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
