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
    /// Sets what this request asks of the cache: its time to live, namespace, tags and dependencies, a forced refresh,
    /// skipping this app server's L1, read-only. None of it changes the request's cache key. Calling it again changes
    /// the settings made before; the object given to <paramref name="configure"/> is this request's own.
    /// </summary>
    /// <example>
    /// <code>
    /// var options = new ChatOptions { ModelId = "gpt-4o-mini" }
    ///     .WithLlmCache(c => { c.TimeToLive = TimeSpan.FromHours(1); c.Tags = ["faq"]; c.ForceRefresh = true; });
    /// </code>
    /// </example>
    public static ChatOptions WithLlmCache(this ChatOptions options, Action<LlmCacheRequestOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);

        // A copy: ChatOptions.Clone() shares the object between clones, and a change to one must not reach the other.
        var settings = options.GetLlmCacheOptions()?.Copy() ?? new LlmCacheRequestOptions();
        configure(settings);
        (options.AdditionalProperties ??= [])[ChatCacheKey.RequestOptionsProperty] = settings;
        return options;
    }

    /// <summary>The settings <see cref="WithLlmCache"/> made for this request, or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentException">The additional property <c>llmcache.request</c> holds something else.</exception>
    public static LlmCacheRequestOptions? GetLlmCacheOptions(this ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(ChatCacheKey.RequestOptionsProperty, out var value) != true ? null
        : value as LlmCacheRequestOptions
          ?? throw new ArgumentException(
              $"ChatOptions.AdditionalProperties[\"{ChatCacheKey.RequestOptionsProperty}\"] holds a {value?.GetType().Name ?? "null"}; set it with WithLlmCache(...).",
              nameof(options));

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
