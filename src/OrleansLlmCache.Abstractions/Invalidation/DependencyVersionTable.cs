using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansLlmCache.Invalidation;

/// <summary>
/// A process's copy of dependency versions (one per silo, one per app server), kept current by the invalidation hub so
/// that checking whether an entry is still valid costs no network round trip. Copies are trusted only while the
/// process holds a live hub lease and has seen every broadcast in order; otherwise the authoritative dependency grain
/// is asked.
/// </summary>
public sealed class DependencyVersionTable(IGrainFactory grains, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> _versions = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, long> EmptyVersions = [];
    private readonly Lock _flushGate = new();
    private long _trustedUntilTicks;
    private long _epoch;

    /// <summary>Whether local copies may be used without asking the dependency grains.</summary>
    public bool IsTrusted => time.GetUtcNow().UtcTicks < Volatile.Read(ref _trustedUntilTicks);

    /// <summary>
    /// Grows at every <see cref="Flush"/>. A copy fetched under one epoch may be kept only if the epoch has not changed
    /// by the time it is stored: otherwise a broadcast may have been missed in between.
    /// </summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Number of versions held.</summary>
    public int Count => _versions.Count;

    /// <summary>Extends trust until <paramref name="until"/> (a renewed hub lease).</summary>
    public void TrustUntil(DateTimeOffset until) => Volatile.Write(ref _trustedUntilTicks, until.UtcTicks);

    /// <summary>Stops trusting and forgets every version (a missed broadcast, a lost connection).</summary>
    public void Flush()
    {
        lock (_flushGate)
        {
            Interlocked.Increment(ref _epoch);
            Volatile.Write(ref _trustedUntilTicks, 0);
            _versions.Clear();
        }
    }

    /// <summary>Records a version seen; versions only grow, so an older one never overwrites a newer one.</summary>
    public void Merge(string key, long version) =>
        _versions.AddOrUpdate(key, version, (_, current) => Math.Max(current, version));

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
    /// The synchronous check used on hot paths (L1): <see langword="true"/> when every version is known locally, trusted
    /// and current; <see langword="false"/> when one is known to be outdated or cannot be vouched for locally.
    /// </summary>
    public bool IsCurrentLocally(IReadOnlyDictionary<string, long>? versions) => IsCurrentLocally(versions, time.GetUtcNow());

    /// <inheritdoc cref="IsCurrentLocally(IReadOnlyDictionary{string, long}?)"/>
    /// <param name="versions">The versions an entry was built against.</param>
    /// <param name="now">The caller's reading of the clock (a hit reads it once).</param>
    public bool IsCurrentLocally(IReadOnlyDictionary<string, long>? versions, DateTimeOffset now)
    {
        if (now.UtcTicks >= Volatile.Read(ref _trustedUntilTicks))
        {
            return false;
        }

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
