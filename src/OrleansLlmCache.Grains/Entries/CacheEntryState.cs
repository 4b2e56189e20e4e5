using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Grains.Entries;

/// <summary>The persisted shape of one cache entry. Stored as camelCase JSON: add properties, never rename them.</summary>
[GenerateSerializer, Alias("llmcache.CacheEntryState")]
public sealed class CacheEntryState
{
    /// <summary>The stored response; <see langword="null"/> when the entry is empty or removed.</summary>
    [Id(0)] public CachedResponse? Response { get; set; }

    /// <summary>When the response was stored.</summary>
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stops being served; <see langword="null"/> means never.</summary>
    [Id(2)] public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Hits served before the last write of this state.</summary>
    [Id(3)] public long HitCount { get; set; }

    /// <summary>The tags the entry carries.</summary>
    [Id(4)] public List<string> Tags { get; set; } = [];

    /// <summary>The dependencies it was built from.</summary>
    [Id(5)] public List<string> Dependencies { get; set; } = [];

    /// <summary>The version of each dependency key (namespace, tags, dependencies) it was built against.</summary>
    [Id(6)] public Dictionary<string, long> Versions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Until when the expired response is kept to be served when the origin fails (fail-safe); <see langword="null"/>:
    /// not kept past <see cref="ExpiresAt"/>. Storage removes the row only after both.
    /// </summary>
    [Id(7)] public DateTimeOffset? StaleUntil { get; set; }
}
