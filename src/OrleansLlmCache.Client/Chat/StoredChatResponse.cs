using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// How the chat middleware writes an answer into a <see cref="CachedResponse"/> and reads it back. Two forms share one
/// key, told apart by <see cref="CachedResponse.ContentType"/>: a whole <see cref="ChatResponse"/> (non-streaming answers
/// and coalesced streams) and the list of <see cref="ChatResponseUpdate"/>s of a stream kept as it came. Either form
/// answers either kind of request; an adapter's value (HybridCache, IDistributedCache) is never an answer; entries of any
/// other content type are plain answer text.
/// </summary>
internal static class StoredChatResponse
{
    private const string ResponseContentType = OrleansLlmCacheChatClient.ChatResponseContentType;
    private const string UpdatesContentType = OrleansLlmCacheChatClient.ChatUpdatesContentType;

    /// <summary>The entry of a whole response, or <see langword="false"/> with the reason it cannot be stored.</summary>
    public static bool TryWrite(ChatResponse response, ChatOptions? options, JsonSerializerOptions json, [NotNullWhen(true)] out CachedResponse? stored, [NotNullWhen(false)] out string? problem)
    {
        stored = null;
        return TrySerialize(response, typeof(ChatResponse), json, out var content, out problem)
            && TryCreate(content, response, ResponseContentType, options, out stored, out problem);
    }

    /// <summary>The entry of a stream's <paramref name="updates"/> as they came, or <see langword="false"/> with the reason it cannot be stored.</summary>
    public static bool TryWrite(IReadOnlyList<ChatResponseUpdate> updates, ChatOptions? options, JsonSerializerOptions json, [NotNullWhen(true)] out CachedResponse? stored, [NotNullWhen(false)] out string? problem)
    {
        stored = null;

        // Written before the updates are joined up (for the model and token counts): joining reuses their objects.
        return TrySerialize(updates, typeof(IReadOnlyList<ChatResponseUpdate>), json, out var content, out problem)
            && TryCreate(content, updates.ToChatResponse(), UpdatesContentType, options, out stored, out problem);
    }

    /// <summary>The stored answer as a response, or <see langword="false"/> with the reason it cannot be read.</summary>
    public static bool TryReadResponse(CachedResponse stored, JsonSerializerOptions json, [NotNullWhen(true)] out ChatResponse? response, [NotNullWhen(false)] out string? problem)
    {
        response = null;
        if (Adapters.AdapterPayload.IsAdapterValue(stored.ContentType))
        {
            problem = "the entry holds a value stored through the HybridCache or IDistributedCache adapter, not an answer";
            return false;
        }

        try
        {
            response = stored.ContentType switch
            {
                ResponseContentType => (ChatResponse?)JsonSerializer.Deserialize(stored.Content, json.GetTypeInfo(typeof(ChatResponse))),
                UpdatesContentType => ReadUpdates(stored, json)?.ToChatResponse(),
                OrleansLlmCacheChatClient.OpenAiChatCompletionContentType => OpenAiChatFormat.ToChatResponse(stored.Content),
                OrleansLlmCacheChatClient.OpenAiChatChunksContentType => OpenAiChatFormat.ToChatResponse(OpenAiChatFormat.ChunksToCompletion(OpenAiChatFormat.ReadChunks(stored.Content))),
                _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, stored.Content)) { ModelId = stored.Model },
            };
        }
        catch (Exception ex) when (IsSerializerRefusal(ex))
        {
            problem = Unreadable(ex);
            return false;
        }

        problem = response is null ? "the stored answer is empty" : null;
        return response is not null;
    }

    /// <summary>
    /// The stored answer as stream updates: a stream kept as it came replays in its chunking unless
    /// <paramref name="coalesce"/> asks for it joined up; a whole response replays as its updates.
    /// </summary>
    public static bool TryReadUpdates(CachedResponse stored, JsonSerializerOptions json, bool coalesce, [NotNullWhen(true)] out IReadOnlyList<ChatResponseUpdate>? updates, [NotNullWhen(false)] out string? problem)
    {
        updates = null;
        if (stored.ContentType != UpdatesContentType)
        {
            var found = TryReadResponse(stored, json, out var response, out problem);
            updates = response?.ToChatResponseUpdates();
            return found;
        }

        try
        {
            updates = ReadUpdates(stored, json);
        }
        catch (Exception ex) when (IsSerializerRefusal(ex))
        {
            problem = Unreadable(ex);
            return false;
        }

        if (updates is null)
        {
            problem = "the stored answer is empty";
            return false;
        }

        if (coalesce)
        {
            updates = updates.ToChatResponse().ToChatResponseUpdates();
        }

        problem = null;
        return true;
    }

    private static bool TrySerialize(object value, Type type, JsonSerializerOptions json, [NotNullWhen(true)] out string? content, [NotNullWhen(false)] out string? problem)
    {
        try
        {
            content = JsonSerializer.Serialize(value, json.GetTypeInfo(type));
            problem = null;
            return true;
        }
        catch (Exception ex) when (IsSerializerRefusal(ex))
        {
            content = null;
            problem = $"it holds something the JSON serializer cannot write ({ex.Message}); to cache such answers, add their types to {nameof(OrleansLlmCacheChatClientOptions)}.{nameof(OrleansLlmCacheChatClientOptions.JsonSerializerOptions)}";
            return false;
        }
    }

    /// <summary>The model and the tokens an origin call is accounted with, stored or not.</summary>
    public static (string Model, int InputTokens, int OutputTokens) Accounting(ChatResponse response, ChatOptions? options) =>
        (response.ModelId ?? options?.ModelId ?? "unknown", Tokens(response.Usage?.InputTokenCount), Tokens(response.Usage?.OutputTokenCount));

    private static int Tokens(long? count) => (int)Math.Clamp(count ?? 0, 0, int.MaxValue);

    private static bool TryCreate(string content, ChatResponse response, string contentType, ChatOptions? options, [NotNullWhen(true)] out CachedResponse? stored, [NotNullWhen(false)] out string? problem)
    {
        var (model, input, output) = Accounting(response, options);
        var candidate = new CachedResponse(content, model, input, output, contentType);
        try
        {
            // The cache would refuse it after the origin was paid: checked here, so the answer is returned instead.
            candidate.Validate();
        }
        catch (ArgumentException ex)
        {
            stored = null;
            problem = ex.Message;
            return false;
        }

        stored = candidate;
        problem = null;
        return true;
    }

    private static IReadOnlyList<ChatResponseUpdate>? ReadUpdates(CachedResponse stored, JsonSerializerOptions json) =>
        (IReadOnlyList<ChatResponseUpdate>?)JsonSerializer.Deserialize(stored.Content, json.GetTypeInfo(typeof(IReadOnlyList<ChatResponseUpdate>)));

    // What System.Text.Json throws for a type it has no contract for (NotSupportedException), JSON it cannot map
    // (JsonException) or a graph it cannot write (InvalidOperationException: cycles, conflicting names).
    private static bool IsSerializerRefusal(Exception ex) => ex is NotSupportedException or JsonException or InvalidOperationException;

    private static string Unreadable(Exception ex) =>
        $"the stored answer cannot be read with this client's {nameof(OrleansLlmCacheChatClientOptions.JsonSerializerOptions)} ({ex.Message})";
}
