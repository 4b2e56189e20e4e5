namespace OrleansLlmCache.Client.Conversations;

/// <summary>
/// Conversation state caching (the third of the article's three prompt types): the state of a conversation after N messages, so a
/// long conversation need not be re-summarised on every turn. One grain per conversation; 1 h by default.
/// </summary>
public interface IConversationStateCache
{
    /// <summary>The cached state after <paramref name="messageCount"/> messages, or <see langword="null"/> (also when the cluster cannot be reached).</summary>
    ValueTask<string?> GetStateAsync(string conversationId, int messageCount, string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>Caches the state after <paramref name="messageCount"/> messages; <paramref name="timeToLive"/> defaults to the <c>conversation</c> policy (1 h).</summary>
    ValueTask CacheStateAsync(string conversationId, int messageCount, string state, TimeSpan? timeToLive = null, string? tenant = null, CancellationToken cancellationToken = default);
}
