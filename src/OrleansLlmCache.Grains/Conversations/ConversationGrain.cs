using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Conversations;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Grains.Conversations;

/// <summary>Holds a conversation's states by message count; expired states are never served and are pruned on write.</summary>
internal sealed class ConversationGrain(
    [PersistentState("llm-conversation", LlmCacheStorage.Name)] IPersistentState<ConversationState> state,
    [FromKeyedServices(LlmCacheTime.ServiceKey)] TimeProvider time) : Grain, IConversationGrain
{
    // A conversation keeps at most this many states: the newest matter, older ones are superseded.
    private const int MaxStates = 64;

    public Task<string?> GetStateAsync(int messageCount) =>
        Task.FromResult(state.State.States.TryGetValue(messageCount, out var entry) && entry.ExpiresAt > time.GetUtcNow() ? entry.State : null);

    public async Task SetStateAsync(int messageCount, string text, TimeSpan timeToLive)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messageCount);
        ArgumentNullException.ThrowIfNull(text);
        LlmCacheLimits.ValidateTimeToLive(timeToLive);
        if (Encoding.UTF8.GetByteCount(text) > LlmCacheLimits.MaxResponseBytes)
        {
            throw new ArgumentException($"A conversation state is at most {LlmCacheLimits.MaxResponseBytes} bytes.", "state");
        }

        var now = time.GetUtcNow();
        foreach (var expired in state.State.States.Where(s => s.Value.ExpiresAt <= now).Select(s => s.Key).ToList())
        {
            state.State.States.Remove(expired);
        }

        state.State.States[messageCount] = new ConversationStateEntry { State = text, ExpiresAt = now + timeToLive };
        foreach (var oldest in state.State.States.Keys.Order().Take(Math.Max(0, state.State.States.Count - MaxStates)).ToList())
        {
            state.State.States.Remove(oldest);
        }

        await state.WriteStateAsync();
    }

    public async Task ClearAsync()
    {
        state.State.States.Clear();
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }
    }
}
