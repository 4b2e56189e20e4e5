using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Core.Time;

namespace OrleansLlmCache.Core.Invalidation;

/// <summary>
/// A process's copy of dependency versions (one per silo, one per app server), kept current by the invalidation hub so
/// that checking whether an entry is still valid costs no network round trip. Copies are trusted only while the
/// process holds a live hub lease and has seen every broadcast in order; otherwise the authoritative dependency grain
/// is asked.
/// </summary>
internal sealed class DependencyVersionTable(IGrainFactory grains, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> _versions = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, long> EmptyVersions = [];
    private readonly Lock _flushGate = new();
    private long _trustedUntilTicks;
    private long _trustedUntilMilliseconds = long.MinValue;
    private long _epoch;
    private long _generation;

    /// <summary>The cheap clock the hot-path trust check (<see cref="IsTrustedAt"/>) reads, on this table's provider.</summary>
    public CoarseClock Clock { get; } = new(time);

    /// <summary>Whether local copies may be used without asking the dependency grains.</summary>
    public bool IsTrusted => time.GetUtcNow().UtcTicks < Volatile.Read(ref _trustedUntilTicks);

    /// <summary>
    /// <see cref="IsTrusted"/> for a reading of <see cref="Clock"/> the caller already made: on that scale the lease
    /// ends <see cref="CoarseClock.SafetyMargin"/> early.
    /// </summary>
    public bool IsTrustedAt(long nowMilliseconds) => nowMilliseconds < Volatile.Read(ref _trustedUntilMilliseconds);

    /// <summary>
    /// Whether, at a reading of <see cref="Clock"/>, the lease is live or ran out less than
    /// <paramref name="graceMilliseconds"/> ago; <see langword="false"/> after a <see cref="Flush"/>, until the next lease.
    /// </summary>
    public bool WasTrustedWithin(long nowMilliseconds, long graceMilliseconds) =>
        nowMilliseconds < Volatile.Read(ref _trustedUntilMilliseconds) + graceMilliseconds;

    /// <summary>
    /// Whether the lease has run out by the wall clock while the coarse clock of the hot path still trusts it: the
    /// machine was suspended (a monotonic clock stands still meanwhile) and invalidations may have been made without
    /// us. The lease renewal checks this and flushes.
    /// </summary>
    public bool LeaseLapsedOnlyOnTheWallClock => !IsTrusted && IsTrustedAt(Clock.NowMilliseconds);

    /// <summary>
    /// Grows at every <see cref="Flush"/>. A copy fetched under one epoch may be kept only if the epoch has not changed
    /// by the time it is stored: otherwise a broadcast may have been missed in between.
    /// </summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>
    /// Grows whenever a version held here changes (an invalidation) and at every <see cref="Flush"/>; adding a version
    /// not held before does not move it, since that cannot make a set of versions found current outdated. A caller that
    /// read the generation and then found an entry's versions current may skip the check while the generation stays
    /// the same: a change is written before the generation moves, so a check that saw the old value also saw the old
    /// generation, and is redone.
    /// </summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Number of versions held.</summary>
    public int Count => _versions.Count;

    /// <summary>Extends trust until <paramref name="until"/> (a renewed hub lease).</summary>
    public void TrustUntil(DateTimeOffset until)
    {
        Volatile.Write(ref _trustedUntilMilliseconds, Clock.DeadlineAt(until));
        Volatile.Write(ref _trustedUntilTicks, until.UtcTicks);
    }

    /// <summary>Stops trusting and forgets every version (a missed broadcast, a lost connection).</summary>
    public void Flush()
    {
        lock (_flushGate)
        {
            Interlocked.Increment(ref _epoch);
            Volatile.Write(ref _trustedUntilTicks, 0);
            Volatile.Write(ref _trustedUntilMilliseconds, long.MinValue);
            _versions.Clear();
            Interlocked.Increment(ref _generation);
        }
    }

    /// <summary>Records a version seen; versions only grow, so an older one never overwrites a newer one.</summary>
    public void Merge(string key, long version)
    {
        while (true)
        {
            if (!_versions.TryGetValue(key, out var current))
            {
                if (_versions.TryAdd(key, version))
                {
                    return;
                }
            }
            else if (current >= version)
            {
                return;
            }
            else if (_versions.TryUpdate(key, version, current))
            {
                // After the value, never before: see Generation.
                Interlocked.Increment(ref _generation);
                return;
            }
        }
    }

    /// <summary>
    /// Records a version read under <paramref name="epoch"/>, unless a <see cref="Flush"/> has happened since: a version
    /// read before a missed broadcast must not land in the emptied table, where it would vouch for an outdated copy.
    /// </summary>
    /// <returns><see langword="false"/> when the epoch has moved on and nothing was recorded.</returns>
    public bool TryMerge(string key, long version, long epoch)
    {
        lock (_flushGate)
        {
            if (Interlocked.Read(ref _epoch) != epoch)
            {
                return false;
            }

            Merge(key, version);
            return true;
        }
    }

    /// <summary>
    /// The synchronous check used on hot paths: <see langword="true"/> when every version is known locally, trusted
    /// and current; <see langword="false"/> when one is known to be outdated or cannot be vouched for locally.
    /// </summary>
    public bool IsCurrentLocally(IReadOnlyDictionary<string, long>? versions) => IsTrusted && AreCurrentLocally(versions);

    /// <summary>
    /// Whether every version is held here and current, without the trust check: for a caller that made it already
    /// (<see cref="IsTrustedAt"/>).
    /// </summary>
    public bool AreCurrentLocally(IReadOnlyDictionary<string, long>? versions)
    {
        if (versions is Dictionary<string, long> concrete)
        {
            // The form entries arrive in: its struct enumerator allocates nothing on the hit path.
            foreach (var (key, version) in concrete)
            {
                if (!IsCurrent(key, version))
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var (key, version) in versions ?? EmptyVersions)
        {
            if (!IsCurrent(key, version))
            {
                return false;
            }
        }

        return true;
    }

    private bool IsCurrent(string key, long version) => _versions.TryGetValue(key, out var current) && current == version;

    /// <summary>Whether every version is current, asking the dependency grains for what is not known or not trusted.</summary>
    public async ValueTask<bool> IsCurrentAsync(IReadOnlyDictionary<string, long>? versions)
    {
        if (versions is null || versions.Count == 0)
        {
            return true;
        }

        var trusted = IsTrusted;
        foreach (var (key, version) in versions)
        {
            var current = trusted && _versions.TryGetValue(key, out var known) ? known : await FetchAsync(key);
            if (current != version)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The current versions of <paramref name="keys"/>, from local copies where trusted.</summary>
    public async ValueTask<Dictionary<string, long>> SnapshotAsync(IEnumerable<string> keys)
    {
        var trusted = IsTrusted;
        var snapshot = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            snapshot[key] = trusted && _versions.TryGetValue(key, out var known) ? known : await FetchAsync(key);
        }

        return snapshot;
    }

    /// <summary>Applies a broadcast's versions.</summary>
    public void Apply(InvalidationMessage message)
    {
        foreach (var (key, version) in message.Versions)
        {
            Merge(key, version);
        }
    }

    private async Task<long> FetchAsync(string key)
    {
        var version = await grains.GetGrain<IDependencyGrain>(key).GetVersionAsync();
        Merge(key, version);
        Debug.Assert(version >= 0, "versions start at 0");
        return version;
    }
}
