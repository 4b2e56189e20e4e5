namespace OrleansLlmCache.Abstractions.Conversations;

/// <summary>
/// The cached states of one conversation, keyed <c>{tenant}/{conversationId}</c>, by message count (the article's
/// <c>conv:{id}:state:{count}</c>): a state summarises the conversation up to that many messages.
/// </summary>
[Alias("llmcache.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>The live state after <paramref name="messageCount"/> messages, or <see langword="null"/>.</summary>
    [Alias("GetState")]
    Task<string?> GetStateAsync(int messageCount);

    /// <summary>Stores the state after <paramref name="messageCount"/> messages for <paramref name="timeToLive"/>.</summary>
    [Alias("SetState")]
    Task SetStateAsync(int messageCount, string state, TimeSpan timeToLive);

    /// <summary>Forgets every state of the conversation.</summary>
    [Alias("Clear")]
    Task ClearAsync();
}
