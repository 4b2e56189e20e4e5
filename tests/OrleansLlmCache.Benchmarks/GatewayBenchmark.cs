using System.Diagnostics;
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

    /// <summary>How many alternating rounds each row's time is split into.</summary>
    private const int Rounds = 3;

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
        var bodies = new Dictionary<(int Size, bool Stream), byte[]>();
        await using var bare = await StartAsync(app => app.MapPost("/v1/chat/completions", async (HttpContext c) =>
        {
            await c.Request.Body.CopyToAsync(Stream.Null);
            var stream = c.Request.Headers.ContainsKey("x-stream");
            var body = bodies[(int.Parse(c.Request.Headers["x-size"]!, CultureInfo.InvariantCulture), stream)];
            c.Response.ContentType = stream ? "text/event-stream" : "application/json";
            c.Response.ContentLength = body.Length;
            await c.Response.Body.WriteAsync(body);
        }));

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        var rows = new List<(string Name, int Size, Func<int, ValueTask<double?>> Operation)>();
        var streamingRows = new List<(string Name, int Size, Func<int, ValueTask<double?>> Operation)>();
        foreach (var size in new[] { 1024, 16 * 1024 })
        {
            var request = ChatRequest(size, stream: false);
            var streamingRequest = ChatRequest(size, stream: true);

            // The first request is the miss that stores the answer; the hits' bytes are what the bare endpoint returns.
            await SendAsync(http, gateway.Url, request, size, expectHit: false);
            bodies[(size, false)] = await SendAsync(http, gateway.Url, request, size, expectHit: true);
            bodies[(size, true)] = await ReadStreamAsync(http, gateway.Url, streamingRequest, size, expectHit: true, firstByte: null);

            var chat = new OrleansLlmCacheChatClient(new FixedAnswerChatClient(new string('x', size)), cache);
            var messages = new List<ChatMessage> { new(ChatRole.User, $"answer with {size} bytes") };
            var options = new ChatOptions { ModelId = "gpt-4o-mini" };
            await chat.GetResponseAsync(messages, options); // the miss

            rows.Add(("gateway hit (HTTP)", size, LoadRunner.WithoutFirstByte(_ => SendAsync(http, gateway.Url, request, size, expectHit: true))));
            rows.Add(("IChatClient middleware hit (in process)", size, LoadRunner.WithoutFirstByte(async _ => await chat.GetResponseAsync(messages, options))));
            rows.Add(("bare ASP.NET Core endpoint, same bytes (HTTP)", size, LoadRunner.WithoutFirstByte(_ => SendAsync(http, bare.Url, request, size, expectHit: null))));
            streamingRows.Add(("gateway streaming hit (HTTP)", size, _ => StreamAsync(http, gateway.Url, streamingRequest, size, expectHit: true)));
            streamingRows.Add(("bare endpoint, same event stream (HTTP)", size, _ => StreamAsync(http, bare.Url, streamingRequest, size, expectHit: null)));
        }

        // Every path runs before any row is measured: the first row measured is otherwise still being compiled by the
        // tiered JIT (it showed up to twice the latency of the same row measured later).
        var warmup = TimeSpan.FromSeconds(2);
        foreach (var (_, _, operation) in rows.Concat(streamingRows))
        {
            await LoadRunner.RunAsync("warm-up", 0, 1, TimeSpan.Zero, warmup, operation);
        }

        // Each row is measured in rounds that alternate with the rows it is compared with, and a row's latencies are
        // pooled over its rounds: noise from whatever else the machine does falls on every row alike.
        var results = new List<LoadResult>();
        var streamed = new List<LoadResult>();
        var round = duration / Rounds;
        foreach (var size in new[] { 1024, 16 * 1024 })
        {
            foreach (var clients in new[] { 1, 64 })
            {
                results.AddRange(await AlternateAsync([.. rows.Where(r => r.Size == size)], clients, round));
                streamed.AddRange(await AlternateAsync([.. streamingRows.Where(r => r.Size == size)], clients, round));
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

        Console.WriteLine();
        Console.WriteLine("Streaming hits (\"stream\": true), replayed from the cache as server-sent events:");
        Console.WriteLine();
        Console.WriteLine("| what | answer | clients | first byte p50 | first byte p99 | [DONE] p50 | [DONE] p99 | req/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in streamed)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.PayloadBytes / 1024} KiB | {r.Callers} | {r.FirstBytePercentile(50):0} µs | {r.FirstBytePercentile(99):0} µs | {r.Percentile(50):0} µs | {r.Percentile(99):0} µs | {r.Throughput:N0} |"));
        }
    }

    private static async Task<List<LoadResult>> AlternateAsync(
        List<(string Name, int Size, Func<int, ValueTask<double?>> Operation)> rows, int clients, TimeSpan round)
    {
        var rounds = rows.Select(_ => new List<LoadResult>()).ToList();
        for (var i = 0; i < Rounds; i++)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                rounds[r].Add(await LoadRunner.RunAsync(rows[r].Name, rows[r].Size, clients, TimeSpan.FromSeconds(0.5), round, rows[r].Operation));
            }
        }

        return [.. rounds.Select(measured => new LoadResult(
            measured[0].Name, measured[0].PayloadBytes, clients, [.. measured.SelectMany(m => m.LatenciesMicroseconds)], measured.Aggregate(TimeSpan.Zero, (sum, m) => sum + m.Duration))
        {
            FirstByteMicroseconds = [.. measured.SelectMany(m => m.FirstByteMicroseconds)],
        })];
    }

    private static byte[] ChatRequest(int size, bool stream)
    {
        var request = new JsonObject
        {
            ["model"] = "gpt-4o-mini",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"answer with {size} bytes" }),
        };
        if (stream)
        {
            request["stream"] = true;
        }

        return Encoding.UTF8.GetBytes(request.ToJsonString());
    }

    // A streamed request read to its end; returns the time to its first byte in microseconds.
    private static async ValueTask<double?> StreamAsync(HttpClient http, string url, byte[] body, int size, bool? expectHit)
    {
        var started = Stopwatch.GetTimestamp();
        double firstByte = 0;
        await ReadStreamAsync(http, url, body, size, expectHit, () => firstByte = Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        return firstByte;
    }

    private static async Task<byte[]> ReadStreamAsync(HttpClient http, string url, byte[] body, int size, bool? expectHit, Action? firstByte)
    {
        using var request = Request(url, body, size);
        request.Headers.Add("x-stream", "1");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var received = new MemoryStream();
        var buffer = new byte[32 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            if (received.Length == 0)
            {
                firstByte?.Invoke();
            }

            received.Write(buffer, 0, read);
        }

        var bytes = received.ToArray();
        if (response.StatusCode != HttpStatusCode.OK
            || (expectHit == true && (!response.Headers.TryGetValues("x-llmcache-status", out var status) || status.Single() != "hit"))
            || !Encoding.UTF8.GetString(bytes).EndsWith("data: [DONE]\n\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"expected a streamed {(expectHit == true ? "hit" : "answer")} from {url}, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }

        return bytes;
    }

    private static HttpRequestMessage Request(string url, byte[] body, int size)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url + "/v1/chat/completions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        request.Headers.Add("x-size", size.ToString(CultureInfo.InvariantCulture));
        return request;
    }

    private static async Task<byte[]> SendAsync(HttpClient http, string url, byte[] body, int size, bool? expectHit)
    {
        using var request = Request(url, body, size);
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
