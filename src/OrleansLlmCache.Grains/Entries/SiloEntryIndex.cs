using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Grains.Entries;

/// <summary>
/// The entries this silo's entry activations hold, by grain key, for <see cref="EntryReaderGrain"/>. An activation
/// adds itself on its first call and removes itself first thing when it deactivates; in between the index reads only
/// the snapshots the activation publishes (<see cref="HeldEntry"/>), never its state, and the activation publishes a
/// new one with every write or removal. An invalidation needs no new snapshot: the silo's version table stops vouching
/// for the versions an outdated entry was built against.
/// </summary>
internal sealed class SiloEntryIndex(
    [FromKeyedServices(LlmCacheTime.ServiceKey)] TimeProvider time,
    DependencyVersionTable versions)
{
    private readonly ConcurrentDictionary<string, HeldEntry> _held = new(StringComparer.Ordinal);
    private long _served;

    /// <summary>Reads answered from the index since the silo started (each batch adds its own once).</summary>
    public long Served => Interlocked.Read(ref _served);

    public bool Holds(string grainKey) => _held.ContainsKey(grainKey);

    public void CountServed(int reads) => Interlocked.Add(ref _served, reads);

    public void Add(string grainKey, HeldEntry entry) => _held[grainKey] = entry;

    // Only this activation's own registration: a newer activation of the same key (after a quick deactivate and
    // reactivate) must not be removed by the older one's late deactivation.
    public void Remove(string grainKey, HeldEntry entry) => _held.TryRemove(new KeyValuePair<string, HeldEntry>(grainKey, entry));

    /// <summary>
    /// The live entry of <paramref name="grainKey"/>, counted as a hit of its activation, when an activation here holds
    /// it and this silo can vouch for it; the caller records the hit in the silo's metrics.
    /// </summary>
    public CacheEntry? TryServe(string grainKey, DateTimeOffset now, out bool dueForTouch)
    {
        if (!_held.TryGetValue(grainKey, out var held) || held.ServeLocally(now, versions) is not { } entry)
        {
            dueForTouch = false;
            return null;
        }

        dueForTouch = held.DueForTouch();
        return entry;
    }

    /// <summary>The cache's clock, for <see cref="TryServe"/>.</summary>
    public DateTimeOffset Now => time.GetUtcNow();
}
