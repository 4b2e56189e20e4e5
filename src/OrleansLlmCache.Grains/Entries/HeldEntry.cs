using OrleansLlmCache.Invalidation;
using OrleansLlmCache.Model;

namespace OrleansLlmCache.Grains.Entries;

/// <summary>
/// The entry one activation holds, shared by the activation with its silo's <see cref="SiloEntryIndex"/>, so that a
/// batched read is answered from memory without a grain call. It reads the activation's live state, never a copy:
/// whatever the grain would answer now, the index answers.
/// </summary>
internal sealed class HeldEntry(IPersistentState<CacheEntryState> state)
{
    // Hits since the state was last written: counted in memory, persisted with the next write or at deactivation, so
    // that a hit never costs a storage write. Readers on other threads count here too, hence Interlocked.
    private long _unsavedHits;

    // The first hit after an activation that read an entry from storage is a storage hit; later ones are memory hits.
    private int _loadedFromStorage;

    // When a read answered from the index last told the activation it is in use (Environment.TickCount64).
    private long _touchedAt = Environment.TickCount64;

    /// <summary>
    /// True at most once a minute while reads are answered from the index, for the reader to tell the activation it
    /// is in use (<see cref="ICacheEntryGrain.TouchAsync"/>): well within Orleans' collection age (15 minutes).
    /// </summary>
    public bool DueForTouch()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _touchedAt);
        return now - last >= 60_000 && Interlocked.CompareExchange(ref _touchedAt, now, last) == last;
    }

    public long UnsavedHits => Interlocked.Read(ref _unsavedHits);

    public void MarkLoadedFromStorage(bool loaded) => Volatile.Write(ref _loadedFromStorage, loaded ? 1 : 0);

    /// <summary>Starts counting afresh: the state was just replaced or cleared.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _unsavedHits, 0);
        Volatile.Write(ref _loadedFromStorage, 0);
    }

    /// <summary><paramref name="hits"/> were written with the state; hits counted while the write ran stay unsaved.</summary>
    public void Saved(long hits) => Interlocked.Add(ref _unsavedHits, -hits);

    /// <summary>
    /// The entry when this silo alone can tell it is live: stored, not expired, and built against versions its
    /// dependency-version table vouches for. Null means "ask the grain", never "missing".
    /// </summary>
    public CacheEntryState? LiveLocally(DateTimeOffset now, DependencyVersionTable versions)
    {
        var current = state.State;
        return current.Response is null
            || IsExpired(current, now)
            || !versions.IsCurrentLocally(current.Versions)
            ? null
            : current;
    }

    /// <summary>
    /// Counts a hit on <paramref name="current"/> (a live state read just before) and returns the entry; the caller
    /// records it in the silo's metrics (as <c>hit-storage</c> when the entry says it was loaded from storage).
    /// </summary>
    public CacheEntry Serve(CacheEntryState current)
    {
        var hits = Interlocked.Increment(ref _unsavedHits);
        var fromStorage = Interlocked.Exchange(ref _loadedFromStorage, 0) == 1;
        return ToEntry(current, current.HitCount + hits) with { LoadedFromStorage = fromStorage };
    }

    /// <summary>Whether <paramref name="s"/> stopped being served by <paramref name="now"/>: the grain's rule and the index's.</summary>
    public static bool IsExpired(CacheEntryState s, DateTimeOffset now) => s.ExpiresAt is { } expires && expires <= now;

    public static CacheEntry ToEntry(CacheEntryState s, long hits) =>
        new(s.Response!, s.CreatedAt, s.ExpiresAt, hits, s.Tags, s.Dependencies, s.Versions);
}
