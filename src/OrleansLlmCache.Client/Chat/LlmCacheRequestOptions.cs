using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// What one chat request asks of the cache, set with <see cref="Microsoft.Extensions.AI.ChatCacheOptionsExtensions.WithLlmCache"/>
/// and carried in <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/>. None of it is part of the cache
/// key: it changes where and how the answer is looked up and kept, not what the origin is asked. Each setting wins over
/// the middleware's <see cref="OrleansLlmCacheChatClientOptions.EntryOptions"/>, except tags and dependencies, which are
/// added to the middleware's. The names follow the gateway's request headers (docs/gateway.md) where they overlap.
/// </summary>
public sealed class LlmCacheRequestOptions
{
    /// <summary>How long the answer lives, from 1 second to 365 days (the gateway's <c>Cache-Control: max-age</c>).</summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>
    /// The namespace the answer is looked up and stored in, instead of <see cref="OrleansLlmCacheChatClientOptions.Namespace"/>
    /// (the gateway's <c>x-llmcache-namespace</c>). The key's id is the same in every namespace.
    /// </summary>
    public string? Namespace { get; set; }

    /// <summary>Tags to invalidate the answer by, added to the middleware's (the gateway's <c>x-llmcache-tags</c>).</summary>
    public IReadOnlyList<string>? Tags { get; set; }

    /// <summary>Dependencies the answer was built from, added to the middleware's (the gateway's <c>x-llmcache-dependencies</c>).</summary>
    public IReadOnlyList<string>? Dependencies { get; set; }

    /// <summary>
    /// How stale an answer the request accepts when the origin fails (the gateway's <c>Cache-Control: stale-if-error</c>);
    /// see <see cref="LlmCacheEntryOptions.FailSafeMaxDuration"/>.
    /// </summary>
    public TimeSpan? FailSafeMaxDuration { get; set; }

    /// <summary>
    /// Skip the read, ask the origin and store its answer in place of the cached one (the gateway's
    /// <c>Cache-Control: no-cache</c>); see <see cref="LlmCacheEntryOptions.ForceRefresh"/>.
    /// </summary>
    public bool ForceRefresh { get; set; }

    /// <summary>Do not answer from this app server's L1 copy; see <see cref="LlmCacheEntryOptions.SkipL1Read"/>.</summary>
    public bool SkipL1Read { get; set; }

    /// <summary>Leave no copy in this app server's L1; see <see cref="LlmCacheEntryOptions.SkipL1Write"/>.</summary>
    public bool SkipL1Write { get; set; }

    /// <summary>Read the cache, never store in it; see <see cref="LlmCacheEntryOptions.ReadOnly"/>.</summary>
    public bool ReadOnly { get; set; }

    // Whether the entry this request may store differs from what the middleware's own options would store: then a
    // replay by warming, which knows only the namespace's policy, would store something else.
    internal bool ChangesWhatIsStored => TimeToLive is not null || Tags is { Count: > 0 } || Dependencies is { Count: > 0 } || ForceRefresh || ReadOnly;

    internal LlmCacheRequestOptions Copy() => (LlmCacheRequestOptions)MemberwiseClone();
}
