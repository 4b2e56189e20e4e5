using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>
/// A small OpenAI-compatible chat-completions endpoint on 127.0.0.1: answers every request with a completion that
/// echoes the last user message, and records what it was sent (model, authorization, body).
/// </summary>
public sealed class StubOpenAiServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly Func<Task>? _beforeAnswer;

    /// <param name="beforeAnswer">Awaited after a request is recorded and before it is answered (a test holds answers with it).</param>
    public StubOpenAiServer(Func<Task>? beforeAnswer = null)
    {
        _beforeAnswer = beforeAnswer;
        var port = FreePorts.Next();
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    public ConcurrentQueue<(string Path, string? Authorization, JsonNode Body)> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = JsonNode.Parse(await reader.ReadToEndAsync())!;
        Requests.Enqueue((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], body));
        if (_beforeAnswer is not null)
        {
            await _beforeAnswer();
        }

        var lastUser = body["messages"]!.AsArray().Last(m => (string?)m!["role"] == "user")!["content"]!;
        var text = lastUser is JsonValue ? (string?)lastUser : lastUser.ToJsonString();
        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = (string?)body["model"],
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "stub says: " + text },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 12, ["completion_tokens"] = 34, ["total_tokens"] = 46 },
        };
        var bytes = Encoding.UTF8.GetBytes(completion.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
