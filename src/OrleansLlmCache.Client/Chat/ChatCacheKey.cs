using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// The canonical form of a chat request and its SHA-256, so that two requests share a key exactly when the origin
/// would be asked the same thing. The form is documented in <c>docs/cache-keys.md</c>; its version
/// (<see cref="FormatVersion"/>) is part of it, so a change of form never serves an entry built under the old one.
/// </summary>
/// <remarks>
/// In the key: the model, every message (role, author name, every content item in order: text, data by media type and
/// bytes, URIs, tool calls and results), the instructions, temperature, top-p, top-k, max output tokens, frequency and
/// presence penalties, seed, stop sequences (as a set), response format and its schema, tools with their schemas, tool
/// mode, multiple-tool-call permission, reasoning options and every additional property (except the cache's own
/// switches). Requests that depend on state the cache cannot see (a server-side conversation id, a continuation token,
/// background responses, a raw-representation factory) are not cached at all.
/// </remarks>
public static class ChatCacheKey
{
    /// <summary>The version of the canonical form; bumping it makes every older chat entry miss.</summary>
    public const int FormatVersion = 1;

    /// <summary>The additional-property key that, set to <see langword="true"/>, makes a request skip the cache.</summary>
    public const string BypassProperty = "llmcache.bypass";

    /// <summary>
    /// The additional-property key that turns semantic matching on (<see langword="true"/>) or off (<see langword="false"/>)
    /// for one request. Like <see cref="BypassProperty"/> it is not part of the key: it changes how the cache looks, not
    /// what the origin is asked.
    /// </summary>
    public const string SemanticProperty = "llmcache.semantic";

    /// <summary>
    /// The additional-property key of a request's <see cref="LlmCacheRequestOptions"/>
    /// (<see cref="Microsoft.Extensions.AI.ChatCacheOptionsExtensions.WithLlmCache"/>): not part of the key, and not
    /// passed on to the origin.
    /// </summary>
    public const string RequestOptionsProperty = "llmcache.request";

    /// <summary>Canonical JSON of the request, or <see langword="null"/> with the reason when it must not be cached.</summary>
    public static string? TryCanonicalize(IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, out string? notCacheableReason)
    {
        ArgumentNullException.ThrowIfNull(messages);
        notCacheableReason = NotCacheableReason(options);
        if (notCacheableReason is not null)
        {
            return null;
        }

        var document = new Dictionary<string, object?>
        {
            ["v"] = FormatVersion,
            ["model"] = options?.ModelId ?? defaultModelId ?? string.Empty,
            ["messages"] = messages.Select(Message).ToList(),
            ["options"] = Options(options),
        };
        return PythonJson.Dumps(document);
    }

    /// <summary>The lower-case hex SHA-256 of the canonical form, or <see langword="null"/> with the reason when the request must not be cached.</summary>
    public static string? TryCompute(IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, out string? notCacheableReason)
    {
        var canonical = TryCanonicalize(messages, options, defaultModelId, out notCacheableReason);
        return canonical is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// The semantic scope's canonical form: the request's canonical form (<see cref="TryCanonicalize"/>) without its final
    /// message, which must be a user message of text only; that text is returned as <paramref name="prompt"/>. Two chat
    /// requests can match semantically only when everything but their final user text is identical: model, options,
    /// instructions, system messages and every earlier turn. <see langword="null"/> when the request is not cacheable
    /// or does not end in a plain-text user message (tool results, images: exact matching only).
    /// </summary>
    public static string? TryCanonicalizeScope(IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, out string? prompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        prompt = null;
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        if (list.Count == 0
            || list[^1] is not { } last
            || last.Role != ChatRole.User
            || last.Contents.Count == 0
            || !last.Contents.All(c => c is TextContent { AdditionalProperties: null or { Count: 0 } }))
        {
            return null;
        }

        var context = TryCanonicalize(list.Take(list.Count - 1), options, defaultModelId, out _);
        if (context is null)
        {
            return null;
        }

        prompt = last.Text;
        return PythonJson.Dumps(new Dictionary<string, object?>
        {
            ["request"] = context,
            ["promptAuthor"] = last.AuthorName,
        });
    }

    private static string? NotCacheableReason(ChatOptions? options) => options switch
    {
        null => null,
        _ when options.AdditionalProperties?.TryGetValue(BypassProperty, out var bypass) == true && bypass is true => "the request opted out",
        { ConversationId: not null } => "it continues a server-side conversation the cache cannot see",
        { ContinuationToken: not null } => "it continues a background response",
        { AllowBackgroundResponses: true } => "it allows background responses",
        { RawRepresentationFactory: not null } => "it carries a raw representation factory whose effect the cache cannot see",
        _ => null,
    };

    private static Dictionary<string, object?> Message(ChatMessage message) => new()
    {
        ["role"] = message.Role.Value,
        ["name"] = message.AuthorName,
        ["contents"] = message.Contents.Select(Content).ToList(),
    };

    private static object? Content(AIContent content) => content switch
    {
        // Text is by far the commonest content: keep its form short and independent of serializer details.
        TextContent text => new Dictionary<string, object?> { ["text"] = text.Text, ["extra"] = Plain(text.AdditionalProperties) },

        // Bytes by their hash: the key stays small and the bytes still decide it.
        DataContent data => new Dictionary<string, object?>
        {
            ["data"] = Convert.ToHexStringLower(SHA256.HashData(data.Data.Span)),
            ["mediaType"] = data.MediaType,
            ["name"] = data.Name,
        },

        // Everything else (tool calls and results, URIs, reasoning, ...) by its full JSON form and type discriminator.
        _ => Serialize(content, typeof(AIContent)),
    };

    private static Dictionary<string, object?> Options(ChatOptions? options)
    {
        var result = new Dictionary<string, object?>();
        if (options is null)
        {
            return result;
        }

        Add(result, "instructions", options.Instructions);
        Add(result, "temperature", options.Temperature);
        Add(result, "topP", options.TopP);
        Add(result, "topK", options.TopK);
        Add(result, "maxOutputTokens", options.MaxOutputTokens);
        Add(result, "frequencyPenalty", options.FrequencyPenalty);
        Add(result, "presencePenalty", options.PresencePenalty);
        Add(result, "seed", options.Seed);
        Add(result, "allowMultipleToolCalls", options.AllowMultipleToolCalls);

        // Stop sequences act as a set: order and repeats do not change what the origin produces.
        if (options.StopSequences is { Count: > 0 } stops)
        {
            result["stop"] = stops.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }

        Add(result, "responseFormat", options.ResponseFormat switch
        {
            null => null,
            ChatResponseFormatText => new Dictionary<string, object?> { ["type"] = "text" },
            ChatResponseFormatJson json => new Dictionary<string, object?>
            {
                ["type"] = "json",
                ["schema"] = json.Schema is { } schema ? ToPlain(schema) : null,
                ["name"] = json.SchemaName,
                ["description"] = json.SchemaDescription,
            },
            var other => Serialize(other, other.GetType()),
        });
        Add(result, "toolMode", options.ToolMode switch
        {
            null => null,
            NoneChatToolMode => "none",
            AutoChatToolMode => "auto",
            RequiredChatToolMode required => "required:" + required.RequiredFunctionName,
            var other => other.GetType().Name,
        });
        if (options.Tools is { Count: > 0 } tools)
        {
            // Tool order is kept: the origin receives the tools in this order.
            result["tools"] = tools.Select(Tool).ToList();
        }

        Add(result, "reasoning", options.Reasoning is { } reasoning ? Serialize(reasoning, reasoning.GetType()) : null);
        if (options.AdditionalProperties is { Count: > 0 } extra)
        {
            // The cache's own switches are left out before anything is serialized: they are not JSON (a request's
            // LlmCacheRequestOptions), and they do not change what the origin is asked.
            var plain = Plain(extra.Where(p => p.Key is not (BypassProperty or SemanticProperty or RequestOptionsProperty)));
            if (plain is { Count: > 0 })
            {
                result["additional"] = plain;
            }
        }

        return result;
    }

    private static Dictionary<string, object?> Tool(AITool tool)
    {
        var result = new Dictionary<string, object?>
        {
            ["type"] = tool.GetType().Name,
            ["name"] = tool.Name,
            ["description"] = tool.Description,
        };
        if (tool is AIFunctionDeclaration function)
        {
            result["schema"] = ToPlain(function.JsonSchema);
            result["returnSchema"] = function.ReturnJsonSchema is { } returns ? ToPlain(returns) : null;
        }

        if (tool.AdditionalProperties is { Count: > 0 } extra)
        {
            result["extra"] = Plain(extra);
        }

        return result;
    }

    private static void Add(Dictionary<string, object?> result, string name, object? value)
    {
        // An absent option and a null option ask the origin the same thing.
        if (value is not null)
        {
            result[name] = value;
        }
    }

    private static Dictionary<string, object?>? Plain(IEnumerable<KeyValuePair<string, object?>>? properties)
    {
        if (properties is null || !properties.Any())
        {
            return null;
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in properties)
        {
            result[name] = value is null ? null : Serialize(value, value.GetType());
        }

        return result;
    }

    private static object? Serialize(object value, Type type) =>
        ToPlain(JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(type)));

    /// <summary>JSON as plain values PythonJson writes with sorted keys, so property order never changes a key.</summary>
    private static object? ToPlain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => Object(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => Number(element),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>
    /// A JSON object's members by name. An object that names a member twice has no one meaning (readers differ in which
    /// of the two they keep), so such a request cannot be keyed: the <see cref="JsonException"/> sends it on uncached.
    /// </summary>
    private static Dictionary<string, object?> Object(JsonElement element)
    {
        var members = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!members.TryAdd(property.Name, ToPlain(property.Value)))
            {
                throw new JsonException($"A JSON object in the request names '{property.Name}' twice.");
            }
        }

        return members;
    }

    /// <summary>
    /// A JSON number as a long, or as a double when the double is exactly the number its text writes; otherwise (such
    /// as <c>1e400</c>, <c>18446744073709551617</c> or <c>0.70000000000000001</c>) its text, as it came. Read as doubles,
    /// those would share a key with a different number (<c>1e500</c>, <c>18446744073709551616</c>, <c>0.7</c>).
    /// </summary>
    private static object Number(JsonElement element)
    {
        if (element.TryGetInt64(out var integer))
        {
            return integer;
        }

        var text = element.GetRawText();
        return element.TryGetDouble(out var real) && double.IsFinite(real) && JsonNumberText.SameNumber(text, real.ToString("R", CultureInfo.InvariantCulture))
            ? real
            : new RawJsonNumber(text);
    }
}
