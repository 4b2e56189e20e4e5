using System.Text.Json;
using Microsoft.Extensions.AI;
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

    /// <summary>
    /// How answers are written into the cache and read back; <see cref="AIJsonUtilities.DefaultOptions"/> unless set.
    /// An answer holding a type these options cannot write (a custom <see cref="AIContent"/>) is returned uncached, with
    /// a warning in the log; to cache such answers, start from <c>new JsonSerializerOptions(AIJsonUtilities.DefaultOptions)</c>
    /// and add the types (<c>AddAIContentType&lt;T&gt;("discriminator")</c>). Every app server reading the namespace needs
    /// the same types. The options are made read-only when the middleware is built.
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value), "JsonSerializerOptions must not be null; leave it unset for AIJsonUtilities.DefaultOptions.");
    } = AIJsonUtilities.DefaultOptions;

    /// <summary>
    /// Whether a streamed answer is stored joined up into one response (<see langword="true"/>, the default: a hit
    /// replays it in as few updates as it can) or as the updates came (<see langword="false"/>: a hit replays the
    /// origin's chunking). Either form also answers the same request unstreamed.
    /// </summary>
    public bool CoalesceStreamingUpdates { get; set; } = true;
}
