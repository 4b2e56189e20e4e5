namespace OrleansLlmCache.Grains.Conversations;

/// <summary>The persisted states of one conversation.</summary>
[GenerateSerializer, Alias("llmcache.ConversationState")]
public sealed class ConversationState
{
    /// <summary>State by message count.</summary>
    [Id(0)] public Dictionary<int, ConversationStateEntry> States { get; set; } = [];
}
