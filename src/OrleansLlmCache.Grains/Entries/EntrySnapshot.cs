using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Core.Invalidation;

namespace OrleansLlmCache.Grains.Entries;

/// <summary>
/// One activation's entry as it stands after a change (its activation, a write, a removal), for readers on any thread:
/// immutable, so a reader sees the entry before a change or the one after, whole, never a mix of the two. The activation
/// builds a new one from its persisted state after every change and publishes it in its <see cref="HeldEntry"/>.
/// </summary>
/// <param name="Entry">The stored entry, with the hit count saved with it; <see langword="null"/> when nothing is stored.</param>
/// <param name="LoadedFromStorage">Whether the activation read the entry from storage: its first hit is a storage hit.</param>
/// <param name="StaleUntil">Until when the expired entry may be served when the origin fails (fail-safe).</param>
internal sealed record EntrySnapshot(CacheEntry? Entry, bool LoadedFromStorage, DateTimeOffset? StaleUntil = null)
{
    /// <summary>Nothing stored.</summary>
    public static EntrySnapshot Empty { get; } = new(null, LoadedFromStorage: false);

    /// <summary>
    /// The snapshot of <paramref name="state"/>. Its collections are copied: the state stays the grain's to change, and
    /// nothing it does later reaches a snapshot already published. (Arrays and a <see cref="Dictionary{TKey,TValue}"/>
    /// are the forms the wire form of <see cref="CacheEntry"/> and the version check take without another copy.)
    /// </summary>
    public static EntrySnapshot Of(CacheEntryState state, bool loadedFromStorage) => state.Response is null
        ? Empty
        : new(
            new CacheEntry(
                state.Response,
                state.CreatedAt,
                state.ExpiresAt,
                state.HitCount,
                state.Tags.ToArray(),
                state.Dependencies.ToArray(),
                new Dictionary<string, long>(state.Versions, StringComparer.Ordinal)),
            loadedFromStorage,
            state.StaleUntil);

    /// <summary>Whether the entry stopped being served by <paramref name="now"/>: the grain's rule and the index's.</summary>
    public bool IsExpired(DateTimeOffset now) => Entry?.ExpiresAt is { } expires && expires <= now;

    /// <summary>
    /// Whether the entry has expired, but by no more than <paramref name="acceptStale"/>, and is still kept for
    /// fail-safe at <paramref name="now"/>. Says nothing of its versions: the grain checks those.
    /// </summary>
    public bool IsServableStale(DateTimeOffset now, TimeSpan acceptStale) =>
        Entry?.ExpiresAt is { } expires && expires <= now && now - expires <= acceptStale && StaleUntil is { } kept && now < kept;

    /// <summary>
    /// Whether the entry is due for an eager refresh at <paramref name="now"/> (<see cref="CacheEntry.RefreshDueAt"/>) and
    /// not yet expired; says nothing of its versions.
    /// </summary>
    public bool IsRefreshDue(DateTimeOffset now, double threshold) =>
        Entry?.RefreshDueAt(threshold) is { } due && now >= due && !IsExpired(now);

    /// <summary>
    /// Whether this silo alone can tell the entry is live: stored, not expired, and built against versions its
    /// dependency-version table vouches for. False means "ask the grain", never "missing".
    /// </summary>
    public bool IsLiveLocally(DateTimeOffset now, DependencyVersionTable versions) =>
        Entry is { } entry && !IsExpired(now) && versions.IsCurrentLocally(entry.Versions);
}
