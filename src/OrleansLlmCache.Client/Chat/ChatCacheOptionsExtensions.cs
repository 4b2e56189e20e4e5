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
}
