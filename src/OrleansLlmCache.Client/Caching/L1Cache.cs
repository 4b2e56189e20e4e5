using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Invalidation;
using OrleansLlmCache.Keys;
using OrleansLlmCache.Model;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The app server's in-process layer: live entries bounded by <see cref="LlmCacheOptions.L1SizeLimitBytes"/>. An entry
/// is served only while it has not expired and this process's <see cref="DependencyVersionTable"/> is trusted and says
/// every version it was built against is current; removals, overwrites and invalidations evict it through the hub's
/// broadcasts.
/// </summary>
/// <remarks>
/// A hit is on every request's path, so it allocates nothing and reads the clock once: a dictionary keyed by the
/// <see cref="CacheKey"/> value itself (no key string built per lookup), not <c>MemoryCache</c> (which reads the clock
/// several times and needs an object key). When the byte budget is exceeded, the least recently used quarter is dropped
/// (expired entries first), as <c>MemoryCache</c> compaction did.
/// </remarks>
internal sealed class L1Cache : IDisposable
{
    private const double CompactionPercentage = 0.25;

    private readonly ConcurrentDictionary<CacheKey, Slot>? _entries;
    private readonly DependencyVersionTable _versions;
    private readonly TimeProvider _time;
    private readonly long _sizeLimit;
    private long _size;
    private long _evictions;
    private int _compacting;

    public L1Cache(IOptions<LlmCacheOptions> options, DependencyVersionTable versions, TimeProvider time)
    {
        _versions = versions;
        _time = time;
        _sizeLimit = options.Value.L1SizeLimitBytes;
        if (options.Value.L1Enabled)
        {
            _entries = new ConcurrentDictionary<CacheKey, Slot>();
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

        var now = _time.GetUtcNow();
        var entry = slot.Entry;
        if (entry.ExpiresAt is { } expires && expires <= now)
        {
            RemoveSlot(key, slot);
            return null;
        }

        if (!_versions.IsCurrentLocally(entry.Versions, now))
        {
            return null;
        }

        slot.LastAccess = now.UtcTicks;
        return entry;
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

        var slot = new Slot(entry, 256 + (2L * (entry.Response.Content.Length + entry.Response.Model.Length)), _time.GetUtcNow().UtcTicks);
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
            var now = _time.GetUtcNow();
            var victims = _entries!
                .OrderBy(pair => pair.Value.Entry.ExpiresAt is { } expires && expires <= now ? 0 : 1)
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

    /// <summary>An entry held in L1, its estimated size and when it was last served (for compaction).</summary>
    private sealed class Slot(CacheEntry entry, long size, long lastAccess)
    {
        public CacheEntry Entry { get; } = entry;

        public long Size { get; } = size;

        // Written without synchronisation on hits: an approximate recency is all compaction needs.
        public long LastAccess { get; set; } = lastAccess;
    }
}
