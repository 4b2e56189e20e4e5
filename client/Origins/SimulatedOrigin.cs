using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace OrleansLlmCache.Cli.Origins;

/// <summary>
/// A stand-in for a paid LLM: deterministic answers, realistic token counts, and a latency of about 1.2 s plus 6 ms an
/// output token (2-5 s for typical answers), scaled by <paramref name="latencyScale"/>. Counts the calls it serves.
/// </summary>
internal sealed class SimulatedOrigin(double latencyScale = 1.0, string defaultModel = "gpt-4") : IChatClient
{
    private static readonly string[] Words =
        ["the", "cache", "request", "model", "answer", "latency", "cost", "tokens", "deploy", "review", "secure", "faster",
         "users", "team", "service", "data", "query", "result", "improve", "simple", "check", "update", "value", "clear"];

    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var (text, inputTokens, outputTokens) = Answer(messages, options);
        await Task.Delay(Latency(outputTokens), cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = options?.ModelId ?? defaultModel,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens },
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("simulated", null, defaultModel) : null;

    public void Dispose()
    {
    }

    private TimeSpan Latency(int outputTokens) => TimeSpan.FromMilliseconds((1200 + (6 * outputTokens)) * latencyScale);

    private static (string Text, int InputTokens, int OutputTokens) Answer(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var prompt = string.Join("\n", messages.Select(m => $"{m.Role}: {m.Text}"));
        var seed = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(prompt)));
        var random = new Random(seed);
        var limit = options?.MaxOutputTokens ?? 500;
        var outputTokens = Math.Max(20, Math.Min(limit, random.Next(150, 600)));
        var text = new StringBuilder();
        for (var i = 0; i < outputTokens * 3 / 4; i++)
        {
            text.Append(i == 0 ? string.Empty : " ").Append(Words[random.Next(Words.Length)]);
        }

        return (text.Append('.').ToString(), Math.Max(1, prompt.Length / 4), outputTokens);
    }
}
