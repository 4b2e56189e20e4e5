using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Core.Invalidation;

namespace OrleansLlmCache.Grains.Entries;

/// <summary>
/// Where one activation publishes its entry for its silo's <see cref="SiloEntryIndex"/>, so that a batched read is
/// answered from memory without a grain call: the latest <see cref="EntrySnapshot"/>, and the hits counted on it. The
/// activation publishes a new snapshot after every change; a reader on any thread takes the current one and counts its
/// hit on that one, so it never answers from a half-changed entry nor counts a hit on an entry it did not serve.
/// </summary>
internal sealed class HeldEntry
{
    private Published _current = new(EntrySnapshot.Empty);

    // When a read answered from the index last told the activation it is in use (Environment.TickCount64).
    private long _touchedAt = Environment.TickCount64;

    /// <summary>The snapshot last published.</summary>
    public EntrySnapshot Snapshot => Volatile.Read(ref _current).Snapshot;

    /// <summary>
    /// The snapshot last published and the hits served from it since: counted in memory, for the activation to persist
    /// with the entry, so that a hit never costs a storage write.
    /// </summary>
    public (EntrySnapshot Snapshot, long UnsavedHits) Current
    {
        get
        {
            var current = Volatile.Read(ref _current);
            return (current.Snapshot, current.Hits);
        }
    }

    /// <summary>Makes <paramref name="snapshot"/> the entry readers see, its hits counted afresh from zero.</summary>
    public void Publish(EntrySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Volatile.Write(ref _current, new Published(snapshot));
    }

    /// <summary>
    /// Counts a hit on the current snapshot and returns its entry, when this silo alone can tell it is live
    /// (<see cref="EntrySnapshot.IsLiveLocally"/>); null means "ask the grain". The caller records the hit in the
    /// silo's metrics (as <c>hit-storage</c> when the entry says it was loaded from storage).
    /// </summary>
    public CacheEntry? ServeLocally(DateTimeOffset now, DependencyVersionTable versions)
    {
        var current = Volatile.Read(ref _current);
        return current.Snapshot.IsLiveLocally(now, versions) ? current.Serve() : null;
    }

    /// <summary>
    /// Counts a hit on <paramref name="snapshot"/>, which the caller found live, and returns its entry; null when
    /// another snapshot has been published since, whose liveness the caller has not checked.
    /// </summary>
    public CacheEntry? Serve(EntrySnapshot snapshot)
    {
        var current = Volatile.Read(ref _current);
        return ReferenceEquals(current.Snapshot, snapshot) ? current.Serve() : null;
    }

    /// <summary>
    /// True at most once a minute while reads are answered from the index, for the reader to tell the activation it
    /// is in use (<see cref="Abstractions.Entries.ICacheEntryGrain.TouchAsync"/>): well within Orleans' collection age (15 minutes).
    /// </summary>
    public bool DueForTouch()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _touchedAt);
        return now - last >= 60_000 && Interlocked.CompareExchange(ref _touchedAt, now, last) == last;
    }

    // A snapshot and the hits served from it: published together, so a hit is counted on the snapshot it served.
    private sealed class Published(EntrySnapshot snapshot)
    {
        private long _hits;

        public EntrySnapshot Snapshot { get; } = snapshot;

        public long Hits => Interlocked.Read(ref _hits);

        public CacheEntry Serve()
        {
            var entry = Snapshot.Entry!;
            var hits = Interlocked.Increment(ref _hits);

            // The first hit after an activation read the entry from storage is the storage hit; later ones are memory hits.
            return entry with { HitCount = entry.HitCount + hits, LoadedFromStorage = hits == 1 && Snapshot.LoadedFromStorage };
        }
    }
}
