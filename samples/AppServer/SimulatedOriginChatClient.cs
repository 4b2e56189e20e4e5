using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace OrleansLlmCache.Samples.AppServer;

/// <summary>
/// A stand-in for an LLM, for running the sample without one: it answers every question with a labelled echo after a
/// delay like a model's, so a cache miss (slow, "origin") and a hit (fast, "hit") are easy to tell apart.
/// </summary>
internal sealed class SimulatedOriginChatClient(TimeSpan delay) : IChatClient
{
    public const string ModelId = "simulated-origin";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await Task.Delay(delay, cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer(messages))) { ModelId = options?.ModelId ?? ModelId };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(delay, cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, Answer(messages)) { ModelId = options?.ModelId ?? ModelId };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static string Answer(IEnumerable<ChatMessage> messages) =>
        $"[simulated origin, no LLM was called] You asked: {messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text}";
}
