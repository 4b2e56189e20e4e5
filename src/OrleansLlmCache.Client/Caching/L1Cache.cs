using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Core.Time;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The app server's in-process layer: live entries bounded by <see cref="LlmCacheOptions.L1SizeLimitBytes"/>. An entry
/// is served only while it has not expired and this process's <see cref="DependencyVersionTable"/> is trusted and says
/// every version it was built against is current; removals, overwrites and invalidations evict it through the hub's
/// broadcasts.
/// </summary>
/// <remarks>
/// A hit is on every request's path, so it allocates nothing and does as little as it can: for the configured tenant
/// and namespace a dictionary keyed by the id string (no key string built per lookup; see <see cref="_home"/>), one
/// reading of a coarse clock (<see cref="CoarseClock"/>: expiry and lease deadlines are kept on its scale, brought
/// forward by its margin), and no version lookups while the version table has not changed since the entry was last
/// found current (<see cref="DependencyVersionTable.Generation"/>). When the byte budget is exceeded, the least recently
/// used quarter is dropped (expired entries first), as <c>MemoryCache</c> compaction did.
/// </remarks>
internal sealed partial class L1Cache : IDisposable
{
    private const double CompactionPercentage = 0.25;

    // The entries of the configured tenant and namespace, where nearly every lookup of an app server lands, by id.
    // A string-keyed dictionary with the default comparer hashes with the runtime's fast non-randomized string hash and
    // switches to the randomized one by itself when a bucket collects too many collisions, so ids chosen by a caller
    // cannot be made to collide on purpose. Keyed by the whole CacheKey, as _others is, it needs a comparer of its own
    // and pays the randomized hash on every lookup: about as much as the rest of a hit.
    private readonly ConcurrentDictionary<string, Slot>? _home;

    // Every other tenant and namespace, in one dictionary: one per scope would cost a dictionary's fixed size for
    // every tenant a multi-tenant app server ever served, outside the byte budget.
    private readonly ConcurrentDictionary<CacheKey, Slot>? _others;
    private readonly string _homeTenant;
    private readonly string _homeNamespace;
    private readonly DependencyVersionTable _versions;
    private readonly CoarseClock _clock;
    private readonly long _sizeLimit;
    private readonly long _staleWhenUnreachable;
    private long _size;
    private long _evictions;
    private int _compacting;

    // One clock for expiry and the lease: the version table's, so that both deadlines are on the same scale.
    public L1Cache(IOptions<LlmCacheOptions> options, DependencyVersionTable versions)
    {
        _versions = versions;
        _clock = versions.Clock;
        _sizeLimit = options.Value.L1SizeLimitBytes;
        _staleWhenUnreachable = (long)options.Value.L1ServeStaleWhenClusterUnreachable.TotalMilliseconds;
        _homeTenant = options.Value.Tenant;
        _homeNamespace = options.Value.Namespace;
        if (options.Value.L1Enabled)
        {
            _home = new ConcurrentDictionary<string, Slot>();
            _others = new ConcurrentDictionary<CacheKey, Slot>(KeyComparer.Instance);
        }
    }

    public bool Enabled => _home is not null;

    public int Count => (_home?.Count ?? 0) + (_others?.Count ?? 0);

    /// <summary>Bytes held, as estimated from the entries' text.</summary>
    public long Size => Interlocked.Read(ref _size);

    public CacheEntry? TryGet(CacheKey key) => Serve(key, out _)?.Entry;

    /// <summary>
    /// As <see cref="TryGet(CacheKey)"/>, and says whether the entry served has lived at least
    /// <paramref name="refreshThreshold"/> of its lifetime (eager refresh; 0: never asked).
    /// </summary>
    public CacheEntry? TryGet(CacheKey key, double refreshThreshold, out bool refreshDue)
    {
        var slot = Serve(key, out var now);
        refreshDue = slot is not null && refreshThreshold > 0 && slot.IsRefreshDue(now, refreshThreshold);
        return slot?.Entry;
    }

    /// <summary>
    /// For a request the cluster could not answer: the copy of <paramref name="key"/> that was current when this process
    /// last heard from the cluster, if the invalidation lease ran out no longer ago than
    /// <see cref="LlmCacheOptions.L1ServeStaleWhenClusterUnreachable"/> (<see langword="null"/> when that is off). It has
    /// not expired, no eviction this process received removed it and no version it heard of outdates it; a missed
    /// broadcast flushed the version table and emptied L1, so nothing is served after one.
    /// </summary>
    public CacheEntry? TryGetUnverified(CacheKey key)
    {
        if (_staleWhenUnreachable <= 0 || !TryGetSlot(key, out var slot))
        {
            return null;
        }

        var now = _clock.NowMilliseconds;
        return now < slot.ExpiresAt && _versions.WasTrustedWithin(now, _staleWhenUnreachable) && _versions.AreCurrentLocally(slot.Entry.Versions)
            ? slot.Entry
            : null;
    }

    // The slot of a live entry whose versions are current, and the clock's reading it was found live at.
    private Slot? Serve(CacheKey key, out long now)
    {
        now = 0;
        if (!TryGetSlot(key, out var slot))
        {
            return null;
        }

        now = _clock.NowMilliseconds;
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

        return slot;
    }

    // What a fill remembers from its start (see L1Fill). It moves on with every flush of the version table and every
    // eviction broadcast this process receives (both counters only grow, so their sum changes whenever either does): an
    // answer read before either may be outdated by it, so it is not kept.
    private long Epoch => _versions.Epoch + Interlocked.Read(ref _evictions);

    // Keeps a copy of an entry the cluster just served or stored. The silo vouched for its versions; they become this
    // process's known versions too (versions only grow, and any later invalidation reaches us as a broadcast). Kept
    // only if the version table is trusted and was not flushed since the epoch was read: otherwise a broadcast could
    // have been missed while the entry was in flight.
    private void Set(CacheKey key, CacheEntry entry, long epoch)
    {
        if (_home is null || !_versions.IsTrusted || Epoch != epoch)
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

        // An app reads the answer of every hit (Entry.Response.Content). As deserialized, the entry and its response lie
        // before their answer text and the slot after it, 32 KB apart for a 16 KiB answer, so a hit read two distant
        // places in memory, and hits over many large entries paid a cache miss for each (docs/benchmarks-history.md, "An L1 hit
        // on its own"). Copies of the two small objects, allocated here together with the slot (the text itself is
        // shared, not copied), keep everything a hit reads side by side.
        entry = entry with { Response = entry.Response with { } };
        var slot = new Slot(
            entry,
            256 + (2L * (entry.Response.Content.Length + entry.Response.Model.Length)),
            _clock.DeadlineAt(entry.CreatedAt) + (2 * CoarseClock.SafetyMargin),
            entry.ExpiresAt is { } expires ? (long)(expires - entry.CreatedAt).TotalMilliseconds : long.MaxValue,
            _clock.DeadlineAt(entry.ExpiresAt),
            _clock.NowMilliseconds);
        if (slot.Size > _sizeLimit)
        {
            Remove(key); // larger than the whole budget: not worth evicting everything else for
            return;
        }

        var size = IsHome(key) ? Store(_home, key.Id, slot) : Store(_others!, key, slot);

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
        if (_home is null || key.Id is null)
        {
            return;
        }

        if (IsHome(key) ? _home.TryRemove(key.Id, out var removed) : _others!.TryRemove(key, out removed))
        {
            Interlocked.Add(ref _size, -removed.Size);
        }
    }

    /// <summary>Drops the entries named by grain keys (<c>tenant/namespace/id</c>), as broadcast by the hub.</summary>
    public void Evict(IReadOnlyList<string> grainKeys)
    {
        if (_home is null)
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
        foreach (var (key, slot) in Slots())
        {
            RemoveSlot(key, slot);
        }
    }

    public void Dispose()
    {
        _home?.Clear();
        _others?.Clear();
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

    // Ordinal equality checks the reference first: the configured strings, which keys built by CreateKey carry.
    private bool IsHome(CacheKey key) =>
        string.Equals(key.Namespace, _homeNamespace, StringComparison.Ordinal) && string.Equals(key.Tenant, _homeTenant, StringComparison.Ordinal);

    // A default key (null parts) is looked up before it is validated: it must miss, not throw.
    private bool TryGetSlot(CacheKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Slot slot)
    {
        if (_home is null || key.Id is null)
        {
            slot = null;
            return false;
        }

        return IsHome(key) ? _home.TryGetValue(key.Id, out slot) : _others!.TryGetValue(key, out slot);
    }

    // Stores the slot and returns the byte count after it.
    private long Store<TKey>(ConcurrentDictionary<TKey, Slot> entries, TKey key, Slot slot)
        where TKey : notnull
    {
        while (true)
        {
            // Not AddOrUpdate: its update delegate may run more than once under contention, and the byte count with it.
            if (entries.TryGetValue(key, out var replaced))
            {
                if (entries.TryUpdate(key, slot, replaced))
                {
                    return Interlocked.Add(ref _size, slot.Size - replaced.Size);
                }
            }
            else if (entries.TryAdd(key, slot))
            {
                return Interlocked.Add(ref _size, slot.Size);
            }
        }
    }

    // Removes the slot only if it is still the one that was read: a concurrent Set may have replaced it.
    private bool RemoveSlot(CacheKey key, Slot slot)
    {
        var removed = IsHome(key)
            ? _home!.TryRemove(new KeyValuePair<string, Slot>(key.Id, slot))
            : _others!.TryRemove(new KeyValuePair<CacheKey, Slot>(key, slot));
        if (!removed)
        {
            return false;
        }

        Interlocked.Add(ref _size, -slot.Size);
        return true;
    }

    // Every entry with its key, the configured scope's given back their tenant and namespace.
    private IEnumerable<(CacheKey Key, Slot Slot)> Slots() =>
        (_home ?? []).Select(pair => (new CacheKey(_homeTenant, _homeNamespace, pair.Key), pair.Value))
            .Concat((_others ?? []).Select(pair => (pair.Key, pair.Value)));

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
            var victims = Slots()
                .OrderBy(victim => now >= victim.Slot.ExpiresAt ? 0 : 1)
                .ThenBy(victim => victim.Slot.LastAccess)
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
    /// An entry held in L1: its estimated size, its creation (brought back), lifetime, expiry (brought forward) and last
    /// access on the <see cref="CoarseClock"/>'s scale, and the version-table generation at which its versions were last found current (-1: not yet).
    /// </summary>
    private sealed class Slot(CacheEntry entry, long size, long createdAt, long lifetime, long expiresAt, long lastAccess)
    {
        public CacheEntry Entry { get; } = entry;

        public long Size { get; } = size;

        // Brought back by the coarse clock's margin, where the expiry is brought forward: a refresh asked for early is
        // turned away by the grain and asked again only after a pause, one asked for a few milliseconds late costs nothing.
        public long CreatedAt { get; } = createdAt;

        // In milliseconds; long.MaxValue for an entry that never expires.
        public long Lifetime { get; } = lifetime;

        public long ExpiresAt { get; } = expiresAt;

        // Both written without synchronisation on hits (64-bit writes are atomic): an approximate recency is all
        // compaction needs, and a generation written late is at worst an older one, which only causes a re-check.
        public long LastAccess { get; set; } = lastAccess;

        public long VerifiedGeneration { get; set; } = -1;

        // The rule of CacheEntry.RefreshDueAt, on this clock's scale.
        public bool IsRefreshDue(long now, double threshold) =>
            Lifetime != long.MaxValue && now >= CreatedAt + (long)(Lifetime * threshold);
    }

    /// <summary>
    /// For the other scopes' dictionary: hashes the id alone (one string hash instead of three, and the part that differs
    /// between keys); equality still compares every part, so keys of different tenants or namespaces never meet.
    /// </summary>
    private sealed class KeyComparer : IEqualityComparer<CacheKey>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(CacheKey x, CacheKey y) =>
            string.Equals(x.Id, y.Id, StringComparison.Ordinal)
            && string.Equals(x.Namespace, y.Namespace, StringComparison.Ordinal)
            && string.Equals(x.Tenant, y.Tenant, StringComparison.Ordinal);

        // string.GetHashCode is randomized per process: ids chosen by a caller cannot be made to collide on purpose.
        public int GetHashCode(CacheKey key) => key.Id?.GetHashCode() ?? 0;
    }
}
