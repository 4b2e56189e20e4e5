using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Gateway.Http;

namespace OrleansLlmCache.Gateway.Chat;

/// <summary>
/// An OpenAI chat-completions request body read as the Microsoft.Extensions.AI messages and options an <c>IChatClient</c>
/// caller would have passed for it, so that its key (<c>ChatCacheKey</c>) is the one the middleware computes for the same
/// question. The mapping is documented in docs/gateway.md ("How a request becomes a key"); every field it does not
/// know, and every known field whose value it does not read exactly (a wrong type, a number no float holds), is kept in
/// the key whole as <c>openai.request.{field}</c>, so such a field can only make a request miss, never share an answer
/// with a different request. Read the body with <see cref="RequestJson.TryParse"/> first: it refuses what this cannot read.
/// </summary>
internal sealed class OpenAiChatRequest
{
    /// <summary>Fields that change how the answer is delivered, not what it is: left out of the key.</summary>
    private static readonly HashSet<string> DeliveryFields = new(StringComparer.Ordinal) { "stream", "stream_options" };

    private OpenAiChatRequest(string model, List<ChatMessage> messages, ChatOptions options, bool stream)
    {
        Model = model;
        Messages = messages;
        Options = options;
        Stream = stream;
    }

    public string Model { get; }

    public List<ChatMessage> Messages { get; }

    public ChatOptions Options { get; }

    /// <summary>True when the body asks for a server-sent-events stream (<c>"stream": true</c>).</summary>
    public bool Stream { get; }

    /// <summary>Reads <paramref name="root"/>, or says which field to fix.</summary>
    public static bool TryRead(JsonElement root, [NotNullWhen(true)] out OpenAiChatRequest? request, [NotNullWhen(false)] out BadRequest? problem)
    {
        request = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = new BadRequest("The request body must be a JSON object with 'model' and 'messages'.", null);
            return false;
        }

        if (!root.TryGetProperty("model", out var modelElement) || modelElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(modelElement.GetString()))
        {
            problem = new BadRequest("The request body is missing 'model': name the model to ask, such as \"gpt-4o-mini\".", "model");
            return false;
        }

        if (!root.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind != JsonValueKind.Array || messagesElement.GetArrayLength() == 0)
        {
            problem = new BadRequest("The request body is missing 'messages': send a non-empty array such as [{\"role\": \"user\", \"content\": \"Hello\"}].", "messages");
            return false;
        }

        var messages = new List<ChatMessage>();
        var index = 0;
        foreach (var element in messagesElement.EnumerateArray())
        {
            if (!TryReadMessage(element, index++, out var message, out problem))
            {
                return false;
            }

            messages.Add(message);
        }

        var options = new ChatOptions { ModelId = modelElement.GetString() };
        var stream = false;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "model" or "messages":
                    break;
                case "stream":
                    stream = value.ValueKind == JsonValueKind.True;
                    break;
                case "temperature" when ExactSingle(value) is { } temperature:
                    options.Temperature = temperature;
                    break;
                case "top_p" when ExactSingle(value) is { } topP:
                    options.TopP = topP;
                    break;
                case "frequency_penalty" when ExactSingle(value) is { } frequency:
                    options.FrequencyPenalty = frequency;
                    break;
                case "presence_penalty" when ExactSingle(value) is { } presence:
                    options.PresencePenalty = presence;
                    break;
                case "seed" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seed):
                    options.Seed = seed;
                    break;
                case "max_completion_tokens" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var maxTokens):
                    options.MaxOutputTokens = maxTokens;
                    break;

                // The older name of the same limit; max_completion_tokens wins when a request sends both.
                case "max_tokens" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var maxTokens) && !root.TryGetProperty("max_completion_tokens", out _):
                    options.MaxOutputTokens = maxTokens;
                    break;
                case "stop" when value.ValueKind == JsonValueKind.String:
                    options.StopSequences = [value.GetString()!];
                    break;
                case "stop" when value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String):
                    options.StopSequences = [.. value.EnumerateArray().Select(s => s.GetString()!)];
                    break;
                case "parallel_tool_calls" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    options.AllowMultipleToolCalls = value.GetBoolean();
                    break;
                case "response_format" when ResponseFormat(value) is { } format:
                    options.ResponseFormat = format;
                    break;
                case "tool_choice" when ToolMode(value) is { } mode:
                    options.ToolMode = mode;
                    break;
                case "tools" when value.ValueKind == JsonValueKind.Array && Tools(value) is { } tools:
                    options.Tools = tools;
                    break;
                case var name when DeliveryFields.Contains(name):
                    break;
                default:
                    (options.AdditionalProperties ??= [])["openai.request." + property.Name] = value.Clone();
                    break;
            }
        }

        request = new OpenAiChatRequest(modelElement.GetString()!, messages, options, stream);
        problem = null;
        return true;
    }

    /// <summary>
    /// A number as the float ChatOptions holds, or <see langword="null"/> when the float is not exactly what the text
    /// writes (<c>0.70000001</c> and <c>0.7</c> are one float; <c>1e300</c> is none): such a value stays in the key whole.
    /// </summary>
    private static float? ExactSingle(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out var single) && float.IsFinite(single)
        && JsonNumberText.SameNumber(value.GetRawText(), single.ToString("R", CultureInfo.InvariantCulture))
            ? single
            : null;

    private static bool TryReadMessage(JsonElement element, int index, [NotNullWhen(true)] out ChatMessage? message, [NotNullWhen(false)] out BadRequest? problem)
    {
        message = null;
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(roleElement.GetString()))
        {
            problem = new BadRequest($"messages[{index}].role is missing: each message must be an object with a 'role' (system, developer, user, assistant or tool).", $"messages[{index}].role");
            return false;
        }

        var role = roleElement.GetString()!;
        var contents = new List<AIContent>();
        string? authorName = null;
        string? toolCallId = null;
        JsonElement? content = null;

        // Members in name order: the unknown ones become contents, and their order in the body is not part of the request.
        foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            switch (property.Name)
            {
                case "role":
                    break;
                // A blank name is no name to ChatMessage; kept as an unknown member, it still decides the key.
                case "name" when property.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(property.Value.GetString()):
                    authorName = property.Value.GetString();
                    break;
                case "content":
                    content = property.Value;
                    break;
                case "tool_call_id" when property.Value.ValueKind == JsonValueKind.String && role == "tool":
                    toolCallId = property.Value.GetString();
                    break;
                case "tool_calls" when property.Value.ValueKind == JsonValueKind.Array:
                    break; // after the content, as an assistant message holds them
                default:
                    contents.Add(Unknown("openai.message." + property.Name, property.Value));
                    break;
            }
        }

        if (toolCallId is not null)
        {
            // A tool message carries its result as the content the caller's FunctionResultContent would be sent as.
            object? result = content is { ValueKind: JsonValueKind.String } text ? text.GetString() : content?.Clone();
            contents.Insert(0, new FunctionResultContent(toolCallId, result));
        }
        else if (content is { } value)
        {
            contents.InsertRange(0, Contents(value));
        }

        if (element.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            contents.AddRange(toolCalls.EnumerateArray().Select(call => ToolCall(call) ?? Unknown("openai.message.tool_call", call)));
        }

        message = new ChatMessage(new ChatRole(role), contents) { AuthorName = authorName };
        problem = null;
        return true;
    }

    private static IEnumerable<AIContent> Contents(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.Null:
                yield break;
            case JsonValueKind.String:
                yield return new TextContent(content.GetString());
                yield break;
            case JsonValueKind.Array:
                foreach (var part in content.EnumerateArray())
                {
                    yield return Part(part);
                }

                yield break;
            default:
                yield return Unknown("openai.content", content);
                yield break;
        }
    }

    private static AIContent Part(JsonElement part)
    {
        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("text")
            && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && part.EnumerateObject().Count() == 2)
        {
            return new TextContent(text.GetString());
        }

        // Images, audio, files and anything newer: kept whole, so every byte of them decides the key.
        return Unknown("openai.content_part", part);
    }

    /// <summary>
    /// A tool call of the usual form (<c>{"id", "type": "function", "function": {"name", "arguments"}}</c>, strings only)
    /// as the <see cref="FunctionCallContent"/> the middleware's caller would hold; <see langword="null"/> for any other
    /// form, which is then kept in the key whole (a field this mapping would drop could otherwise make two calls one).
    /// </summary>
    private static FunctionCallContent? ToolCall(JsonElement call)
    {
        if (call.ValueKind != JsonValueKind.Object
            || !call.EnumerateObject().All(p => p.Name switch
            {
                "id" => p.Value.ValueKind == JsonValueKind.String,
                "type" => p.Value.ValueKind == JsonValueKind.String && p.Value.ValueEquals("function"),
                "function" => p.Value.ValueKind == JsonValueKind.Object
                    && p.Value.EnumerateObject().All(f => f.Name is "name" or "arguments" && f.Value.ValueKind == JsonValueKind.String),
                _ => false,
            }))
        {
            return null;
        }

        var id = call.TryGetProperty("id", out var idElement) ? idElement.GetString()! : string.Empty;
        var function = call.TryGetProperty("function", out var f) ? f : default;
        var name = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var n) ? n.GetString()! : string.Empty;
        var arguments = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out var a) ? a.GetString()! : "{}";
        var content = FunctionCallContent.CreateFromParsedArguments(arguments, id, name, json =>
            (IDictionary<string, object?>?)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))));
        if (content.Exception is not null)
        {
            // Arguments that are not a JSON object still decide the key, as the text they are.
            content.Arguments = null;
            content.Exception = null;
            (content.AdditionalProperties ??= [])["openai.arguments"] = arguments;
        }

        return content;
    }

    private static ChatResponseFormat? ResponseFormat(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        switch (type.GetString())
        {
            case "text" when value.EnumerateObject().Count() == 1:
                return ChatResponseFormat.Text;
            case "json_object" when value.EnumerateObject().Count() == 1:
                return ChatResponseFormat.Json;
            case "json_schema" when value.TryGetProperty("json_schema", out var schema) && schema.ValueKind == JsonValueKind.Object
                && schema.TryGetProperty("schema", out var body) && value.EnumerateObject().Count() == 2
                && schema.EnumerateObject().All(p => p.Name == "schema" || (p.Name is "name" or "description" && p.Value.ValueKind == JsonValueKind.String)):
                return ChatResponseFormat.ForJsonSchema(
                    body.Clone(),
                    schema.TryGetProperty("name", out var name) ? name.GetString() : null,
                    schema.TryGetProperty("description", out var description) ? description.GetString() : null);
            default:
                // Anything else (strict schemas, newer formats) stays in the key whole, as an unknown field.
                return null;
        }
    }

    private static ChatToolMode? ToolMode(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() switch
        {
            "none" => ChatToolMode.None,
            "auto" => ChatToolMode.Auto,
            "required" => ChatToolMode.RequireAny,
            _ => null,
        },
        JsonValueKind.Object when value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("function")
            && value.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
            && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            && value.EnumerateObject().Count() == 2 && function.EnumerateObject().Count() == 1
            => ChatToolMode.RequireSpecific(name.GetString()!),
        _ => null,
    };

    private static List<AITool>? Tools(JsonElement value)
    {
        var tools = new List<AITool>();
        foreach (var tool in value.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("function", out var function) || tool.EnumerateObject().Count() != 2
                || !tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("function")
                || function.ValueKind != JsonValueKind.Object || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !function.EnumerateObject().All(p => p.Name is "name" or "parameters" || (p.Name == "description" && p.Value.ValueKind == JsonValueKind.String)))
            {
                return null; // a tool this mapping does not know (strict, non-function): the whole list stays in the key as sent
            }

            var parameters = function.TryGetProperty("parameters", out var p) ? p.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
            tools.Add(AIFunctionFactory.CreateDeclaration(
                name.GetString()!,
                function.TryGetProperty("description", out var d) ? d.GetString() : null,
                parameters));
        }

        return tools;
    }

    private static AIContent Unknown(string name, JsonElement value) =>
        new() { AdditionalProperties = new() { [name] = value.Clone() } };
}
