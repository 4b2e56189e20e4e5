using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// An OpenAI-compatible upstream on Kestrel at 127.0.0.1 that counts its calls. It answers "answer {n}: {last user
/// text}" (n counts calls, so a second upstream answer differs from the first), as a <c>chat.completion</c> or, for
/// <c>"stream": true</c>, as server-sent chunks ending in <c>data: [DONE]</c>. A last user message "fail with 429"
/// (or any status) gets that status and an OpenAI error body. Embeddings are three numbers made from the input and the
/// call's number (floats, or base64 when asked); models are the list it was started with, each owned by the stub's name
/// (or <see cref="ModelsStatus"/> with an error). While <see cref="Hold"/> is set, answers wait for it.
/// </summary>
public sealed partial class StubUpstream : IAsyncDisposable
{
    /// <summary>The models a stub lists unless it is started with others.</summary>
    public static readonly string[] DefaultModels = ["gpt-4o-mini", "text-embedding-3-small"];

    private readonly WebApplication _app;
    private readonly string _name;
    private readonly string[] _models;
    private int _calls;

    private StubUpstream(WebApplication app, string baseUrl, string name, string[] models)
    {
        _app = app;
        BaseUrl = baseUrl;
        _name = name;
        _models = models;
    }

    public string BaseUrl { get; }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The Authorization header of the last call.</summary>
    public string? LastAuthorization { get; private set; }

    /// <summary>The body of the last call, as the upstream received it.</summary>
    public string? LastBody { get; private set; }

    /// <summary>When set, every answer waits for this task first.</summary>
    public Task? Hold { get; set; }

    /// <summary>When set, every chat answer is an error of this status (an upstream that is down or rate-limiting).</summary>
    public int? FailWith { get; set; }

    /// <summary>When set, <c>GET /v1/models</c> answers this status with an OpenAI error body.</summary>
    public int? ModelsStatus { get; set; }

    /// <param name="name">The <c>owned_by</c> of every model it lists, so a test can tell which upstream answered.</param>
    /// <param name="models">The model ids <c>GET /v1/models</c> lists; default <see cref="DefaultModels"/>.</param>
    public static async Task<StubUpstream> StartAsync(string name = "stub", params string[] models)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new StubUpstream(app, $"http://127.0.0.1:{port}/v1", name, models.Length == 0 ? DefaultModels : models);
        app.MapPost("/v1/chat/completions", stub.AnswerAsync);
        app.MapPost("/v1/embeddings", stub.EmbedAsync);
        app.MapPost("/v1/responses", stub.RespondAsync);
        app.MapGet("/v1/responses/{id}", stub.StoredResponseAsync);
        app.MapGet("/v1/models", stub.ModelsAsync);
        app.MapGet("/v1/models/{model}", stub.ModelAsync);
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // Counts the call, keeps what was sent, and waits while the test holds the upstream.
    private async Task<(int Call, string Body)> RecordAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _calls);
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        LastBody = text;
        LastAuthorization = context.Request.Headers.Authorization;
        if (Hold is { } hold)
        {
            await hold;
        }

        return (n, text);
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var (n, text) = await RecordAsync(context);

        var body = JsonNode.Parse(text)!;
        var question = LastUserText(body);
        var failure = question.StartsWith("fail with ", StringComparison.Ordinal)
            ? int.Parse(question["fail with ".Length..], System.Globalization.CultureInfo.InvariantCulture)
            : FailWith;
        if (failure is { } status)
        {
            context.Response.StatusCode = status;
            context.Response.Headers["retry-after"] = "1";
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"stub error {n}", type = "rate_limit", code = "stub" } });
            return;
        }

        var answer = $"answer {n}: {question}";
        var id = $"chatcmpl-stub-{n}";
        var model = (string?)body["model"];
        if ((bool?)body["stream"] == true)
        {
            context.Response.ContentType = "text/event-stream";
            var words = answer.Split(' ');
            var first = true;
            foreach (var word in words)
            {
                var delta = new JsonObject { ["content"] = (first ? string.Empty : " ") + word };
                if (first)
                {
                    delta["role"] = "assistant";
                }

                first = false;
                await WriteChunkAsync(context, Chunk(id, model, new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = null })));
            }

            await WriteChunkAsync(context, Chunk(id, model, new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = "stop" })));
            var usage = Chunk(id, model, []);
            usage["usage"] = Usage();
            await WriteChunkAsync(context, usage);
            await context.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        var completion = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = Usage(),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(completion.ToJsonString());
    }

    private async Task EmbedAsync(HttpContext context)
    {
        var (n, text) = await RecordAsync(context);

        var body = JsonNode.Parse(text)!;
        var inputs = body["input"] is JsonArray list ? list.Select(i => (string?)i ?? string.Empty).ToList() : [(string?)body["input"] ?? string.Empty];
        if (inputs.Any(i => i.StartsWith("fail with ", StringComparison.Ordinal)))
        {
            context.Response.StatusCode = int.Parse(inputs.First(i => i.StartsWith("fail with ", StringComparison.Ordinal)).Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"stub error {n}", type = "server_error", code = "stub" } });
            return;
        }

        var base64 = (string?)body["encoding_format"] == "base64";
        var data = new JsonArray([.. inputs.Select((input, index) =>
        {
            float[] vector = [input.Length, n, 0.5f];
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())))
                : new JsonArray([.. vector.Select(v => (JsonNode)JsonValue.Create(v))]);
            return (JsonNode)new JsonObject { ["object"] = "embedding", ["index"] = index, ["embedding"] = embedding };
        })]);
        var answer = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = (string?)body["model"],
            ["usage"] = new JsonObject { ["prompt_tokens"] = 8, ["total_tokens"] = 8 },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private async Task ModelsAsync(HttpContext context)
    {
        await RecordAsync(context);
        if (ModelsStatus is { } status)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"stub {_name} refuses", type = "invalid_request_error", code = "stub" } });
            return;
        }

        var answer = new JsonObject { ["object"] = "list", ["data"] = new JsonArray([.. _models.Select(m => (JsonNode)Model(m))]) };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private async Task ModelAsync(HttpContext context, string model)
    {
        await RecordAsync(context);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Model(model).ToJsonString());
    }

    private JsonObject Model(string id) => new() { ["id"] = id, ["object"] = "model", ["created"] = 1_700_000_000, ["owned_by"] = _name };

    private static JsonObject Usage() => new() { ["prompt_tokens"] = 12, ["completion_tokens"] = 34, ["total_tokens"] = 46 };

    private static JsonObject Chunk(string id, string? model, JsonArray choices) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = choices,
    };

    private static async Task WriteChunkAsync(HttpContext context, JsonObject chunk)
    {
        await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n");
        await context.Response.Body.FlushAsync();
    }

    private static string LastUserText(JsonNode body)
    {
        var content = body["messages"]!.AsArray().Last(m => (string?)m!["role"] == "user")!["content"]!;
        return content is JsonValue
            ? (string?)content ?? string.Empty
            : string.Concat(content.AsArray().Select(p => (string?)p!["text"]));
    }
}
