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
/// A hit is on every request's path, so it allocates nothing and does as little as it can: one dictionary per tenant and
/// namespace keyed by the id string (no key string built per lookup; see <see cref="Partition"/>), one reading of a coarse clock
/// (<see cref="CoarseClock"/>: expiry and lease deadlines are kept on its scale, brought forward by its margin), and no
/// version lookups while the version table has not changed since the entry was last found current
/// (<see cref="DependencyVersionTable.Generation"/>). When the byte budget is exceeded, the least recently used quarter
/// is dropped (expired entries first), as <c>MemoryCache</c> compaction did.
/// </remarks>
internal sealed class L1Cache : IDisposable
{
    private const double CompactionPercentage = 0.25;

    // Every partition ever used (they are not removed: a Set racing the removal of an emptied one would lose its entry
    // and its bytes); their number is the number of tenant/namespace pairs this app server serves.
    private readonly ConcurrentDictionary<(string Tenant, string Namespace), Partition>? _partitions;

    // The configured tenant and namespace: nearly every lookup of an app server is in them, found without a lookup.
    private readonly Partition? _home;
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
            _partitions = new ConcurrentDictionary<(string, string), Partition>();
            _home = new Partition(options.Value.Tenant, options.Value.Namespace);
            _partitions[(_home.Tenant, _home.Namespace)] = _home;
        }
    }

    public bool Enabled => _partitions is not null;

    public int Count => _partitions?.Values.Sum(partition => partition.Entries.Count) ?? 0;

    /// <summary>Bytes held, as estimated from the entries' text.</summary>
    public long Size => Interlocked.Read(ref _size);

    public CacheEntry? TryGet(CacheKey key)
    {
        // A default key (null parts) is looked up before it is validated: it must miss, not throw.
        if (Find(key) is not { } partition || key.Id is null || !partition.Entries.TryGetValue(key.Id, out var slot))
        {
            return null;
        }

        var now = _clock.NowMilliseconds;
        if (now >= slot.ExpiresAt)
        {
            RemoveSlot(partition, key.Id, slot);
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
        if (_partitions is null || !_versions.IsTrusted || Epoch != epoch)
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

        var partition = Find(key) ?? _partitions.GetOrAdd((key.Tenant, key.Namespace), static scope => new Partition(scope.Tenant, scope.Namespace));
        var entries = partition.Entries;
        long size;
        while (true)
        {
            // Not AddOrUpdate: its update delegate may run more than once under contention, and the byte count with it.
            if (entries.TryGetValue(key.Id, out var replaced))
            {
                if (entries.TryUpdate(key.Id, slot, replaced))
                {
                    size = Interlocked.Add(ref _size, slot.Size - replaced.Size);
                    break;
                }
            }
            else if (entries.TryAdd(key.Id, slot))
            {
                size = Interlocked.Add(ref _size, slot.Size);
                break;
            }
        }

        // A flush or an eviction that landed while this was being stored (after the checks above) may concern it.
        if (Epoch != epoch || !_versions.IsTrusted)
        {
            RemoveSlot(partition, key.Id, slot);
            return;
        }

        if (size > _sizeLimit && Volatile.Read(ref _compacting) == 0)
        {
            ScheduleCompaction();
        }
    }

    public void Remove(CacheKey key)
    {
        if (Find(key) is { } partition && key.Id is not null && partition.Entries.TryRemove(key.Id, out var removed))
        {
            Interlocked.Add(ref _size, -removed.Size);
        }
    }

    /// <summary>Drops the entries named by grain keys (<c>tenant/namespace/id</c>), as broadcast by the hub.</summary>
    public void Evict(IReadOnlyList<string> grainKeys)
    {
        if (_partitions is null)
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
        if (_partitions is null)
        {
            return;
        }

        foreach (var partition in _partitions.Values)
        {
            foreach (var (id, slot) in partition.Entries)
            {
                RemoveSlot(partition, id, slot);
            }
        }
    }

    public void Dispose()
    {
        foreach (var partition in _partitions?.Values ?? [])
        {
            partition.Entries.Clear();
        }
    }

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

    // The key's partition, if this process ever stored an entry of its tenant and namespace.
    private Partition? Find(CacheKey key)
    {
        var home = _home;
        if (home is null)
        {
            return null;
        }

        // Ordinal equality checks the reference first: the configured strings, which keys built by CreateKey carry.
        if (string.Equals(key.Tenant, home.Tenant, StringComparison.Ordinal) && string.Equals(key.Namespace, home.Namespace, StringComparison.Ordinal))
        {
            return home;
        }

        return key.Tenant is not null && key.Namespace is not null && _partitions!.TryGetValue((key.Tenant, key.Namespace), out var partition)
            ? partition
            : null;
    }

    // Removes the slot only if it is still the one that was read: a concurrent Set may have replaced it.
    private bool RemoveSlot(Partition partition, string id, Slot slot)
    {
        if (!partition.Entries.TryRemove(new KeyValuePair<string, Slot>(id, slot)))
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
            var victims = _partitions!.Values
                .SelectMany(partition => partition.Entries.Select(pair => (Partition: partition, Id: pair.Key, Slot: pair.Value)))
                .OrderBy(victim => now >= victim.Slot.ExpiresAt ? 0 : 1)
                .ThenBy(victim => victim.Slot.LastAccess)
                .ToList();
            foreach (var (partition, id, slot) in victims)
            {
                if (toFree <= 0)
                {
                    break;
                }

                if (RemoveSlot(partition, id, slot))
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
    /// The entries of one tenant and namespace, keyed by id. A string-keyed dictionary with the default comparer hashes
    /// with the runtime's fast non-randomized string hash and switches to the randomized one by itself when a bucket
    /// collects too many collisions, so ids chosen by a caller cannot be made to collide on purpose; a dictionary keyed
    /// by the whole <see cref="CacheKey"/> needed a comparer of its own and paid the randomized hash on every lookup,
    /// about as much as the rest of a hit.
    /// </summary>
    private sealed class Partition(string tenant, string @namespace)
    {
        public string Tenant { get; } = tenant;

        public string Namespace { get; } = @namespace;

        public ConcurrentDictionary<string, Slot> Entries { get; } = new();
    }
}
