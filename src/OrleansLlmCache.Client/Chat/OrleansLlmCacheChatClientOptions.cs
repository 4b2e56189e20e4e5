using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Chat;

/// <summary>Settings of the <see cref="OrleansLlmCacheChatClient"/> middleware.</summary>
public sealed class OrleansLlmCacheChatClientOptions
{
    /// <summary>The tenant entries go to; <see langword="null"/> takes <see cref="LlmCacheOptions.Tenant"/>.</summary>
    public string? Tenant { get; set; }

    /// <summary>The namespace entries go to; <see langword="null"/> takes <see cref="LlmCacheOptions.Namespace"/>.</summary>
    public string? Namespace { get; set; }

    /// <summary>Per-entry settings (time to live); <see langword="null"/> takes the cache's defaults.</summary>
    public LlmCacheEntryOptions? EntryOptions { get; set; }
}
