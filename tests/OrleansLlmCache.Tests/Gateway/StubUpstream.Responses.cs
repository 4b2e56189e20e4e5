using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// The stub's Responses API: <c>POST /v1/responses</c> answers "answer N: {input}" as a completed <c>response</c>, or as
/// its server-sent events (<c>response.created</c>, one <c>response.output_text.delta</c> a word,
/// <c>response.completed</c>) with <c>"stream": true</c>; input "fail with 503" answers that status, input "incomplete"
/// a response that did not complete. <c>GET /v1/responses/{id}</c> answers the stored response's id.
/// </summary>
public sealed partial class StubUpstream
{
    private async Task RespondAsync(HttpContext context)
    {
        var (n, text) = await RecordAsync(context);
        var body = JsonNode.Parse(text)!;
        var input = body["input"] is JsonValue value ? (string?)value ?? string.Empty : body["input"]!.ToJsonString();
        if (input.StartsWith("fail with ", StringComparison.Ordinal) || FailWith is not null)
        {
            context.Response.StatusCode = FailWith ?? int.Parse(input["fail with ".Length..], CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"stub error {n}", type = "server_error", code = "stub" } });
            return;
        }

        var answer = $"answer {n}: {input}";
        var response = Response(n, (string?)body["model"], answer, input == "incomplete" ? "incomplete" : "completed");
        if ((bool?)body["stream"] != true)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.ToJsonString());
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var sequence = 0;
        var created = response.DeepClone().AsObject();
        created["status"] = "in_progress";
        created["output"] = new JsonArray();
        await WriteEventAsync(context, "response.created", new JsonObject { ["response"] = created }, sequence++);
        foreach (var word in answer.Split(' '))
        {
            var delta = new JsonObject { ["item_id"] = $"msg_stub_{n}", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = word + " " };
            await WriteEventAsync(context, "response.output_text.delta", delta, sequence++);
        }

        var last = (string)response["status"]! == "completed" ? "response.completed" : "response.incomplete";
        await WriteEventAsync(context, last, new JsonObject { ["response"] = response }, sequence);
    }

    private async Task StoredResponseAsync(HttpContext context, string id)
    {
        await RecordAsync(context);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["id"] = id, ["object"] = "response", ["status"] = "completed" }.ToJsonString());
    }

    private static JsonObject Response(int n, string? model, string answer, string status) => new()
    {
        ["id"] = $"resp_stub_{n}",
        ["object"] = "response",
        ["created_at"] = 1_700_000_000,
        ["status"] = status,
        ["model"] = model,
        ["output"] = new JsonArray(new JsonObject
        {
            ["type"] = "message",
            ["id"] = $"msg_stub_{n}",
            ["status"] = "completed",
            ["role"] = "assistant",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = answer, ["annotations"] = new JsonArray() }),
        }),
        ["usage"] = new JsonObject { ["input_tokens"] = 10, ["output_tokens"] = 20, ["total_tokens"] = 30 },
    };

    private static async Task WriteEventAsync(HttpContext context, string type, JsonObject data, int sequence)
    {
        data["type"] = type;
        data["sequence_number"] = sequence;
        await context.Response.WriteAsync($"event: {type}\ndata: {data.ToJsonString()}\n\n");
        await context.Response.Body.FlushAsync();
    }
}
