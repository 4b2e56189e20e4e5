using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>A callback-driven origin LLM for tests: counts calls and answers with whatever the test says.</summary>
public sealed class TestChatClient : IChatClient
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>> OnGetResponse { get; set; } =
        (messages, options, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer to " + messages.Last().Text))
        {
            ModelId = options?.ModelId ?? "test-model",
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 20 },
        });

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? OnGetStreamingResponse { get; set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return await OnGetResponse(messages, options, cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var stream = OnGetStreamingResponse?.Invoke(messages, options, cancellationToken) ?? Default(messages, options, cancellationToken);
        await foreach (var update in stream.WithCancellation(cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("test", null, "test-model") : null;

    public void Dispose()
    {
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Default(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken ct)
    {
        var response = await OnGetResponse(messages, options, ct);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }
}
