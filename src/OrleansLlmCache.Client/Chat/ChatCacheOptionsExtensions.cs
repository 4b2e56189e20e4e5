using OrleansLlmCache.Client.Chat;

namespace Microsoft.Extensions.AI;

/// <summary>Per-request cache switches on <see cref="ChatOptions"/>.</summary>
public static class ChatCacheOptionsExtensions
{
    /// <summary>Makes this request skip the LLM cache: it is neither answered from nor stored in it.</summary>
    public static ChatOptions WithoutLlmCache(this ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[ChatCacheKey.BypassProperty] = true;
        return options;
    }

    /// <summary>
    /// Turns semantic matching on or off for this request, whatever its namespace's setting: a similar cached prompt in
    /// the same scope may answer it (the response then carries <c>llmcache.semantic.*</c> properties).
    /// </summary>
    public static ChatOptions WithSemanticLlmCache(this ChatOptions options, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[ChatCacheKey.SemanticProperty] = enabled;
        return options;
    }
}
