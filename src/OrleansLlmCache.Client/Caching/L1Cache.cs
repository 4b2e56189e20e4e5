using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Invalidation;
using OrleansLlmCache.Keys;
using OrleansLlmCache.Model;
using OrleansLlmCache.Time;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The app server's in-process layer: live entries bounded by <see cref="LlmCacheOptions.L1SizeLimitBytes"/>. An entry
/// is served only while it has not expired and this process's <see cref="DependencyVersionTable"/> is trusted and says
/// every version it was built against is current; removals, overwrites and invalidations evict it through the hub's
/// broadcasts.
/// </summary>
/// <remarks>
/// A hit is on every request's path, so it allocates nothing and does as little as it can: a dictionary keyed by the
/// <see cref="CacheKey"/> value itself (no key string built per lookup, one string hash), one reading of a coarse clock
/// (<see cref="CoarseClock"/>: expiry and lease deadlines are kept on its scale, brought forward by its margin), and no
/// version lookups while the version table has not changed since the entry was last found current
/// (<see cref="DependencyVersionTable.Generation"/>). When the byte budget is exceeded, the least recently used quarter
/// is dropped (expired entries first), as <c>MemoryCache</c> compaction did.
/// </remarks>
internal sealed class L1Cache : IDisposable
{
    private const double CompactionPercentage = 0.25;

    private readonly ConcurrentDictionary<CacheKey, Slot>? _entries;
    private readonly DependencyVersionTable _versions;
    private readonly CoarseClock _clock;
    private readonly long _sizeLimit;
    private long _size;
    private long _evictions;
    private int _compacting;

    // One clock for expiry and the lease: the version table's, so that both deadlines are on the same scale.
    public L1Cache(IOptions<LlmCacheOptions> options, DependencyVersionTable versions)
    {
        _versions = versions;
        _clock = versions.Clock;
        _sizeLimit = options.Value.L1SizeLimitBytes;
        if (options.Value.L1Enabled)
        {
            _entries = new ConcurrentDictionary<CacheKey, Slot>(KeyComparer.Instance);
        }
    }

    public bool Enabled => _entries is not null;

    public int Count => _entries?.Count ?? 0;

    /// <summary>Bytes held, as estimated from the entries' text.</summary>
    public long Size => Interlocked.Read(ref _size);

    public CacheEntry? TryGet(CacheKey key)
    {
        if (_entries is null || !_entries.TryGetValue(key, out var slot))
        {
            return null;
        }

        var now = _clock.NowMilliseconds;
        if (now >= slot.ExpiresAt)
        {
            RemoveSlot(key, slot);
            return null;
        }

        if (!_versions.IsTrustedAt(now))
        {
            return null;
        }

        // Read before the versions: a change lands in the table before the generation moves (see Generation).
        var generation = _versions.Generation;
        if (slot.VerifiedGeneration != generation)
        {
            if (!_versions.AreCurrentLocally(slot.Entry.Versions))
            {
                return null;
            }

            slot.VerifiedGeneration = generation;
        }

        // Written only when it changes: a write on every hit would bounce the slot's cache line between cores.
        if (slot.LastAccess != now)
        {
            slot.LastAccess = now;
        }

        return slot.Entry;
    }

    /// <summary>
    /// The token to pass back to <see cref="Set"/>: read it before asking the cluster. It moves on with every flush of
    /// the version table and every eviction broadcast this process receives (both counters only grow, so their sum
    /// changes whenever either does): an answer read before either may be outdated by it, so it is not kept.
    /// </summary>
    public long Epoch => _versions.Epoch + Interlocked.Read(ref _evictions);

    /// <summary>
    /// Keeps a copy of an entry the cluster just served or stored. The silo vouched for its versions; they become this
    /// process's known versions too (versions only grow, and any later invalidation reaches us as a broadcast). Kept
    /// only if the version table is trusted and was not flushed since <paramref name="epoch"/> was read: otherwise a
    /// broadcast could have been missed while the entry was in flight.
    /// </summary>
    public void Set(CacheKey key, CacheEntry entry, long epoch)
    {
        if (_entries is null || !_versions.IsTrusted || Epoch != epoch)
        {
            return;
        }

        // Both counters are unchanged since the token was read, so this is the version table's epoch of then.
        var versionsEpoch = _versions.Epoch;
        if (entry.Versions is not null)
        {
            foreach (var (dependency, version) in entry.Versions)
            {
                if (!_versions.TryMerge(dependency, version, versionsEpoch))
                {
                    return;
                }
            }
        }

        var slot = new Slot(entry, 256 + (2L * (entry.Response.Content.Length + entry.Response.Model.Length)), _clock.DeadlineAt(entry.ExpiresAt), _clock.NowMilliseconds);
        if (slot.Size > _sizeLimit)
        {
            Remove(key); // larger than the whole budget: not worth evicting everything else for
            return;
        }

        long size;
        while (true)
        {
            // Not AddOrUpdate: its update delegate may run more than once under contention, and the byte count with it.
            if (_entries.TryGetValue(key, out var replaced))
            {
                if (_entries.TryUpdate(key, slot, replaced))
                {
                    size = Interlocked.Add(ref _size, slot.Size - replaced.Size);
                    break;
                }
            }
            else if (_entries.TryAdd(key, slot))
            {
                size = Interlocked.Add(ref _size, slot.Size);
                break;
            }
        }

        // A flush or an eviction that landed while this was being stored (after the checks above) may concern it.
        if (Epoch != epoch || !_versions.IsTrusted)
        {
            RemoveSlot(key, slot);
            return;
        }

        if (size > _sizeLimit && Volatile.Read(ref _compacting) == 0)
        {
            ScheduleCompaction();
        }
    }

    public void Remove(CacheKey key)
    {
        if (_entries is not null && _entries.TryRemove(key, out var removed))
        {
            Interlocked.Add(ref _size, -removed.Size);
        }
    }

    /// <summary>Drops the entries named by grain keys (<c>tenant/namespace/id</c>), as broadcast by the hub.</summary>
    public void Evict(IReadOnlyList<string> grainKeys)
    {
        if (_entries is null)
        {
            return;
        }

        Interlocked.Increment(ref _evictions);
        foreach (var grainKey in grainKeys)
        {
            if (TryParse(grainKey, out var key))
            {
                Remove(key);
            }
        }
    }

    public void Clear()
    {
        if (_entries is null)
        {
            return;
        }

        foreach (var key in _entries.Keys)
        {
            Remove(key);
        }
    }

    public void Dispose() => _entries?.Clear();

    private static bool TryParse(string grainKey, out CacheKey key)
    {
        try
        {
            key = CacheKey.Parse(grainKey);
            return true;
        }
        catch (ArgumentException)
        {
            key = default; // not a key this process could have stored
            return false;
        }
    }

    // Removes the slot only if it is still the one that was read: a concurrent Set may have replaced it.
    private bool RemoveSlot(CacheKey key, Slot slot)
    {
        if (!_entries!.TryRemove(new KeyValuePair<CacheKey, Slot>(key, slot)))
        {
            return false;
        }

        Interlocked.Add(ref _size, -slot.Size);
        return true;
    }

    private void Compact()
    {
        // One compaction at a time; a writer that finds one running leaves the work to it.
        if (Interlocked.CompareExchange(ref _compacting, 1, 0) != 0)
        {
            return;
        }

        try
        {
            var target = (long)(_sizeLimit * (1 - CompactionPercentage));
            if (Size <= _sizeLimit)
            {
                return;
            }

            // Frees what was over before the snapshot, not what writers add meanwhile: chasing a growing size down a
            // list ordered by old access times would evict entries read since. The check below schedules another round.
            var toFree = Size - target;
            var now = _clock.NowMilliseconds;
            var victims = _entries!
                .OrderBy(pair => now >= pair.Value.ExpiresAt ? 0 : 1)
                .ThenBy(pair => pair.Value.LastAccess)
                .ToList();
            foreach (var (key, slot) in victims)
            {
                if (toFree <= 0)
                {
                    break;
                }

                if (RemoveSlot(key, slot))
                {
                    toFree -= slot.Size;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _compacting, 0);
        }

        // Writes that landed while it ran (and skipped queueing their own) may have pushed it over again.
        if (Size > _sizeLimit)
        {
            ScheduleCompaction();
        }
    }

    // Off the request thread: compaction sorts every entry.
    private void ScheduleCompaction() =>
        ThreadPool.UnsafeQueueUserWorkItem(static cache => cache.Compact(), this, preferLocal: false);

    /// <summary>
    /// An entry held in L1: its estimated size, its expiry and last access on the <see cref="CoarseClock"/>'s scale, and
    /// the version-table generation at which its versions were last found current (-1: not yet).
    /// </summary>
    private sealed class Slot(CacheEntry entry, long size, long expiresAt, long lastAccess)
    {
        public CacheEntry Entry { get; } = entry;

        public long Size { get; } = size;

        public long ExpiresAt { get; } = expiresAt;

        // Both written without synchronisation on hits (64-bit writes are atomic): an approximate recency is all
        // compaction needs, and a generation written late is at worst an older one, which only causes a re-check.
        public long LastAccess { get; set; } = lastAccess;

        public long VerifiedGeneration { get; set; } = -1;
    }

    /// <summary>
    /// Hashes the id alone (one string hash instead of three, and the part that differs between keys); equality still
    /// compares every part, so keys of different tenants or namespaces never meet.
    /// </summary>
    private sealed class KeyComparer : IEqualityComparer<CacheKey>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(CacheKey x, CacheKey y) =>
            string.Equals(x.Id, y.Id, StringComparison.Ordinal)
            && string.Equals(x.Namespace, y.Namespace, StringComparison.Ordinal)
            && string.Equals(x.Tenant, y.Tenant, StringComparison.Ordinal);

        // string.GetHashCode is randomized per process: ids chosen by a caller cannot be made to collide on purpose.
        // A default key (null parts) is looked up before it is validated: it must miss, not throw.
        public int GetHashCode(CacheKey key) => key.Id?.GetHashCode() ?? 0;
    }
}
