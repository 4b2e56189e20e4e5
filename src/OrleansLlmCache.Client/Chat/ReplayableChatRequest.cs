using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// A chat request written down so that it can be sent to the origin again: how a miss becomes a warmable candidate.
/// JSON of the messages and options as Microsoft.Extensions.AI serialises them, with a version.
/// </summary>
internal static class ReplayableChatRequest
{
    /// <summary>Requests longer than this are not recorded: candidates keep a bounded amount of state.</summary>
    public const int MaxChars = 16 * 1024;

    private const int FormatVersion = 1;
    private static readonly JsonSerializerOptions Json = AIJsonUtilities.DefaultOptions;

    /// <summary>The request as JSON, or <see langword="null"/> when it is too long or cannot be serialised (a tool with code behind it).</summary>
    public static string? TryWrite(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        try
        {
            var document = new JsonObject
            {
                ["v"] = FormatVersion,
                ["messages"] = JsonSerializer.SerializeToNode(messages.ToList(), Json.GetTypeInfo(typeof(List<ChatMessage>))),
                ["options"] = options is null ? null : JsonSerializer.SerializeToNode(options, Json.GetTypeInfo(typeof(ChatOptions))),
            };
            var json = document.ToJsonString();
            return json.Length <= MaxChars ? json : null;
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Reads a request written by <see cref="TryWrite"/>; <see langword="false"/> with the reason when it cannot.</summary>
    public static bool TryRead(string json, out List<ChatMessage> messages, out ChatOptions? options, out string? problem)
    {
        messages = [];
        options = null;
        try
        {
            var document = JsonNode.Parse(json)?.AsObject();
            if (document?["v"]?.GetValue<int>() != FormatVersion)
            {
                problem = "the recorded request is of an unknown format version";
                return false;
            }

            messages = (List<ChatMessage>?)document["messages"].Deserialize(Json.GetTypeInfo(typeof(List<ChatMessage>))) ?? [];
            options = (ChatOptions?)document["options"]?.Deserialize(Json.GetTypeInfo(typeof(ChatOptions)));
            problem = null;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or FormatException)
        {
            problem = $"the recorded request cannot be read: {ex.Message}";
            return false;
        }
    }
}
