using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// The OpenAI chat-completions wire forms the HTTP gateway stores (a <c>chat.completion</c> body, or the
/// <c>chat.completion.chunk</c> objects of a stream), and their conversions: to a <see cref="ChatResponse"/> (so the
/// middleware can serve what the gateway stored), from one (so the gateway can serve what the middleware stored), and
/// between the whole and the streamed form (so either kind of request is answered whichever way the entry was stored).
/// </summary>
internal static class OpenAiChatFormat
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>A stream's chunks (each the JSON of one <c>data:</c> line) as one stored value, each kept byte for byte.</summary>
    public static string WriteChunks(IReadOnlyList<string> chunks)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var chunk in chunks)
            {
                writer.WriteRawValue(chunk, skipInputValidation: false);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The chunks of a value written by <see cref="WriteChunks"/>, each as its original JSON text.</summary>
    public static List<string> ReadChunks(string stored)
    {
        using var document = JsonDocument.Parse(stored);
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetRawText())];
    }

    /// <summary>The whole <c>chat.completion</c> a stream adds up to: content and tool-call arguments joined, usage from its usage chunk.</summary>
    public static string ChunksToCompletion(IReadOnlyList<string> chunks)
    {
        JsonNode? id = null, model = null, created = null, fingerprint = null, usage = null;
        var choices = new SortedDictionary<int, StreamedChoice>();
        foreach (var text in chunks)
        {
            if (JsonNode.Parse(text) is not JsonObject chunk)
            {
                continue;
            }

            id ??= chunk["id"]?.DeepClone();
            model ??= chunk["model"]?.DeepClone();
            created ??= chunk["created"]?.DeepClone();
            fingerprint ??= chunk["system_fingerprint"]?.DeepClone();
            if (chunk["usage"] is JsonObject chunkUsage)
            {
                usage = chunkUsage.DeepClone();
            }

            foreach (var choiceNode in chunk["choices"]?.AsArray() ?? [])
            {
                if (choiceNode is not JsonObject choice)
                {
                    continue;
                }

                var index = (int?)choice["index"] ?? 0;
                if (!choices.TryGetValue(index, out var streamed))
                {
                    choices[index] = streamed = new StreamedChoice();
                }

                streamed.Add(choice);
            }
        }

        var completion = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray([.. choices.Select(c => (JsonNode)c.Value.ToChoice(c.Key))]),
        };
        if (fingerprint is not null)
        {
            completion["system_fingerprint"] = fingerprint;
        }

        if (usage is not null)
        {
            completion["usage"] = usage;
        }

        return completion.ToJsonString(Compact);
    }

    /// <summary>The chunks OpenAI would have streamed for a whole <c>chat.completion</c>: the message, the finish reason, then the usage.</summary>
    public static List<string> CompletionToChunks(string completionJson)
    {
        var completion = JsonNode.Parse(completionJson)!.AsObject();
        var chunks = new List<string>();
        JsonObject Chunk(JsonArray choices)
        {
            var chunk = new JsonObject
            {
                ["id"] = completion["id"]?.DeepClone(),
                ["object"] = "chat.completion.chunk",
                ["created"] = completion["created"]?.DeepClone(),
                ["model"] = completion["model"]?.DeepClone(),
            };
            if (completion["system_fingerprint"] is { } fingerprint)
            {
                chunk["system_fingerprint"] = fingerprint.DeepClone();
            }

            chunk["choices"] = choices;
            return chunk;
        }

        foreach (var choiceNode in completion["choices"]?.AsArray() ?? [])
        {
            var choice = choiceNode!.AsObject();
            var index = choice["index"]?.DeepClone() ?? 0;
            var delta = new JsonObject();
            if (choice["message"] is JsonObject message)
            {
                delta["role"] = message["role"]?.DeepClone() ?? "assistant";
                delta["content"] = message["content"]?.DeepClone();
                if (message["refusal"] is { } refusal)
                {
                    delta["refusal"] = refusal.DeepClone();
                }

                if (message["tool_calls"] is JsonArray toolCalls)
                {
                    var indexed = new JsonArray();
                    for (var i = 0; i < toolCalls.Count; i++)
                    {
                        var call = toolCalls[i]!.DeepClone().AsObject();
                        call.Insert(0, "index", i);
                        indexed.Add(call);
                    }

                    delta["tool_calls"] = indexed;
                }
            }

            chunks.Add(Chunk([new JsonObject { ["index"] = index.DeepClone(), ["delta"] = delta, ["finish_reason"] = null }]).ToJsonString(Compact));
            chunks.Add(Chunk([new JsonObject { ["index"] = index, ["delta"] = new JsonObject(), ["finish_reason"] = choice["finish_reason"]?.DeepClone() }]).ToJsonString(Compact));
        }

        if (completion["usage"] is JsonObject usage)
        {
            var last = Chunk([]);
            last["usage"] = usage.DeepClone();
            chunks.Add(last.ToJsonString(Compact));
        }

        return chunks;
    }

    /// <summary>A <c>chat.completion</c> body as a <see cref="ChatResponse"/> (its first choice).</summary>
    public static ChatResponse ToChatResponse(string completionJson)
    {
        var completion = JsonNode.Parse(completionJson)?.AsObject() ?? throw new JsonException("the stored completion is empty");
        var choice = completion["choices"]?.AsArray().FirstOrDefault()?.AsObject();
        var message = choice?["message"]?.AsObject();
        var contents = new List<AIContent>();
        if (message?["content"] is JsonValue content && content.TryGetValue<string>(out var text))
        {
            contents.Add(new TextContent(text));
        }

        foreach (var callNode in message?["tool_calls"]?.AsArray() ?? [])
        {
            var function = callNode?["function"];
            contents.Add(FunctionCallContent.CreateFromParsedArguments(
                (string?)function?["arguments"] ?? "{}",
                (string?)callNode?["id"] ?? string.Empty,
                (string?)function?["name"] ?? string.Empty,
                json => (IDictionary<string, object?>?)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)))));
        }

        var response = new ChatResponse(new ChatMessage(new ChatRole((string?)message?["role"] ?? "assistant"), contents))
        {
            ResponseId = (string?)completion["id"],
            ModelId = (string?)completion["model"],
            CreatedAt = completion["created"] is JsonValue created && created.TryGetValue<long>(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            FinishReason = (string?)choice?["finish_reason"] switch
            {
                null => null,
                "stop" => ChatFinishReason.Stop,
                "length" => ChatFinishReason.Length,
                "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
                "content_filter" => ChatFinishReason.ContentFilter,
                var other => new ChatFinishReason(other),
            },
        };
        if (completion["usage"] is JsonObject usage)
        {
            response.Usage = new UsageDetails
            {
                InputTokenCount = (long?)usage["prompt_tokens"],
                OutputTokenCount = (long?)usage["completion_tokens"],
                TotalTokenCount = (long?)usage["total_tokens"],
            };
        }

        return response;
    }

    /// <summary>A <see cref="ChatResponse"/> as the <c>chat.completion</c> body OpenAI would have sent for it.</summary>
    public static string FromChatResponse(ChatResponse response)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = response.Text is { Length: > 0 } text ? text : null };
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        if (calls.Count > 0)
        {
            message["tool_calls"] = new JsonArray([.. calls.Select(call => (JsonNode)new JsonObject
            {
                ["id"] = call.CallId,
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = call.Name,
                    ["arguments"] = JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))),
                },
            })]);
        }

        var completion = new JsonObject
        {
            ["id"] = response.ResponseId ?? "chatcmpl-llmcache",
            ["object"] = "chat.completion",
            ["created"] = (response.CreatedAt ?? DateTimeOffset.UnixEpoch).ToUnixTimeSeconds(),
            ["model"] = response.ModelId,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = response.FinishReason?.Value ?? (calls.Count > 0 ? "tool_calls" : "stop"),
            }),
        };
        if (response.Usage is { } usage)
        {
            completion["usage"] = new JsonObject
            {
                ["prompt_tokens"] = usage.InputTokenCount ?? 0,
                ["completion_tokens"] = usage.OutputTokenCount ?? 0,
                ["total_tokens"] = usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)),
            };
        }

        return completion.ToJsonString(Compact);
    }

    /// <summary>One choice of a stream, added up delta by delta.</summary>
    private sealed class StreamedChoice
    {
        private readonly StringBuilder _content = new();
        private readonly SortedDictionary<int, (JsonNode? Id, JsonNode? Type, string? Name, StringBuilder Arguments)> _calls = [];
        private StringBuilder? _refusal;
        private JsonNode? _role;
        private JsonNode? _finishReason;
        private bool _hasContent;

        public void Add(JsonObject choice)
        {
            _finishReason ??= choice["finish_reason"]?.DeepClone();
            if (choice["delta"] is not JsonObject delta)
            {
                return;
            }

            _role ??= delta["role"]?.DeepClone();
            if (delta["content"] is JsonValue content && content.TryGetValue<string>(out var text))
            {
                _content.Append(text);
                _hasContent = true;
            }

            if (delta["refusal"] is JsonValue refusal && refusal.TryGetValue<string>(out var refused))
            {
                (_refusal ??= new()).Append(refused);
            }

            foreach (var callNode in delta["tool_calls"]?.AsArray() ?? [])
            {
                var index = (int?)callNode?["index"] ?? 0;
                var call = _calls.TryGetValue(index, out var known) ? known : (null, null, null, new StringBuilder());
                call.Id ??= callNode?["id"]?.DeepClone();
                call.Type ??= callNode?["type"]?.DeepClone();
                call.Name ??= (string?)callNode?["function"]?["name"];
                call.Arguments.Append((string?)callNode?["function"]?["arguments"]);
                _calls[index] = call;
            }
        }

        public JsonObject ToChoice(int index)
        {
            var message = new JsonObject
            {
                ["role"] = _role ?? "assistant",
                ["content"] = _hasContent ? _content.ToString() : null,
            };
            if (_refusal is not null)
            {
                message["refusal"] = _refusal.ToString();
            }

            if (_calls.Count > 0)
            {
                message["tool_calls"] = new JsonArray([.. _calls.Values.Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id,
                    ["type"] = c.Type ?? "function",
                    ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments.ToString() },
                })]);
            }

            return new JsonObject { ["index"] = index, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = _finishReason };
        }
    }
}
