namespace OrleansLlmCache.Grains.Conversations;

/// <summary>One cached state and its expiry.</summary>
[GenerateSerializer, Alias("llmcache.ConversationStateEntry")]
public sealed class ConversationStateEntry
{
    /// <summary>The state text.</summary>
    [Id(0)] public string State { get; set; } = string.Empty;

    /// <summary>When it stops being served.</summary>
    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }
}
