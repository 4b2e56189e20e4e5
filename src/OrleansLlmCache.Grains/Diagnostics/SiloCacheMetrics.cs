using System.Diagnostics.Metrics;

namespace OrleansLlmCache.Grains.Diagnostics;

/// <summary>
/// The silo's cache instruments, on the meter <see cref="MeterName"/>: lookups by result as the entry grains see them
/// (app servers' L1 hits never reach a silo; those are on the client meter <c>OrleansLlmCache.Client</c>).
/// </summary>
public sealed class SiloCacheMetrics
{
    /// <summary>The name of the silo's meter.</summary>
    public const string MeterName = "OrleansLlmCache.Silo";

    private const string ResultTag = "llmcache.result";

    private readonly Counter<long> _lookups;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _leaseWaits;
    private readonly Counter<long> _invalidations;
    private long _leaseWaitCount;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public SiloCacheMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _lookups = meter.CreateCounter<long>("llmcache.silo.lookups", "{lookup}", "Entry lookups by result (llmcache.result): hit, hit-storage, miss, expired, outdated (built against an invalidated version), stale (an expired answer served because the origin failed).");
        _writes = meter.CreateCounter<long>("llmcache.silo.writes", "{write}", "Entries stored.");
        _leaseWaits = meter.CreateCounter<long>(
            "llmcache.silo.single_flight.waits", "{wait}", "Times a caller parked in an entry grain to wait for another caller's origin call on the same key (single-flight).");

        // Published at 0 from the start: waits are rare, and a series that appears only with the first one has no rate
        // to graph or alert on until then.
        _leaseWaits.Add(0);
        _invalidations = meter.CreateCounter<long>(
            "llmcache.silo.invalidations", "{invalidation}", "Invalidations applied (a version bump stored), by kind (llmcache.invalidation.kind): tag, dependency, namespace.");
    }

    internal void Lookup(string result) => _lookups.Add(1, new KeyValuePair<string, object?>(ResultTag, result));

    internal void Lookup(string result, int count)
    {
        if (count > 0)
        {
            _lookups.Add(count, new KeyValuePair<string, object?>(ResultTag, result));
        }
    }

    internal void Write() => _writes.Add(1);

    /// <summary>An invalidation of <paramref name="dependencyKey"/> (<c>{tenant}/tag:...</c>, <c>/dep:...</c>, <c>/ns:...</c>) was stored.</summary>
    internal void Invalidation(string dependencyKey)
    {
        var kind = dependencyKey.AsSpan(dependencyKey.IndexOf('/') + 1) switch
        {
            var k when k.StartsWith("tag:") => "tag",
            var k when k.StartsWith("dep:") => "dependency",
            var k when k.StartsWith("ns:") => "namespace",
            _ => "other",
        };
        _invalidations.Add(1, new KeyValuePair<string, object?>("llmcache.invalidation.kind", kind));
    }

    /// <summary>Waits for another caller's origin call this silo's entry grains have begun, since the silo started.</summary>
    internal long LeaseWaits => Interlocked.Read(ref _leaseWaitCount);

    internal void LeaseWait()
    {
        Interlocked.Increment(ref _leaseWaitCount);
        _leaseWaits.Add(1);
    }
}
