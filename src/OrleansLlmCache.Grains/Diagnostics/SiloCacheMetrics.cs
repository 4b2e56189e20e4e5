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

    private readonly Counter<long> _lookups;
    private readonly Counter<long> _writes;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public SiloCacheMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _lookups = meter.CreateCounter<long>("llmcache.silo.lookups", "{lookup}", "Entry lookups by result: hit, hit-storage, miss, expired, outdated (built against an invalidated version), stale (an expired answer served because the origin failed).");
        _writes = meter.CreateCounter<long>("llmcache.silo.writes", "{write}", "Entries stored.");
    }

    internal void Lookup(string result) => _lookups.Add(1, new KeyValuePair<string, object?>("result", result));

    internal void Lookup(string result, int count)
    {
        if (count > 0)
        {
            _lookups.Add(count, new KeyValuePair<string, object?>("result", result));
        }
    }

    internal void Write() => _writes.Add(1);
}
