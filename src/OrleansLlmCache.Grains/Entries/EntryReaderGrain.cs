using Orleans.Concurrency;
using Orleans.Placement;
using OrleansLlmCache.Keys;
using OrleansLlmCache.Model;

namespace OrleansLlmCache.Grains.Entries;

/// <summary>
/// Answers a batch of reads from the entries this silo holds (<see cref="SiloEntryIndex"/>), and reads the rest from
/// their entry grains, wherever they are. Reentrant: a batch is a few dictionary lookups, and waits only on the grains
/// of keys held elsewhere.
/// </summary>
// Placed on the silo that first receives a call for it. An Orleans client sends every call for one grain through the
// same gateway, so a reader key of one client lives on that client's gateway for it and its batches take one hop. (A
// stateless worker would too, but the client does not pin calls to stateless workers to a gateway.)
[PreferLocalPlacement, Reentrant]
internal sealed class EntryReaderGrain(SiloEntryIndex index, ILocalSiloDetails silo, IGrainFactory grains, Diagnostics.SiloCacheMetrics metrics) : Grain, IEntryReaderGrain
{
    public async ValueTask<EntryReadBatch> GetManyAsync(string[] grainKeys)
    {
        ArgumentNullException.ThrowIfNull(grainKeys);
        if (grainKeys.Length > LlmCacheLimits.MaxKeysPerRead)
        {
            throw new ArgumentException($"A batched read asks for at most {LlmCacheLimits.MaxKeysPerRead} keys; got {grainKeys.Length}.", nameof(grainKeys));
        }

        var entries = new CacheEntry?[grainKeys.Length];
        List<int>? notHere = null;
        var now = index.Now;
        var (hits, storageHits) = (0, 0);
        for (var i = 0; i < grainKeys.Length; i++)
        {
            if (index.TryServe(grainKeys[i] ?? throw new ArgumentException("A batched read asked for a null key.", nameof(grainKeys)), now) is { } entry)
            {
                entries[i] = entry;
                _ = entry.LoadedFromStorage ? storageHits++ : hits++;
            }
            else
            {
                (notHere ??= []).Add(i);
            }
        }

        // Once per batch: a metric update per key would cost about as much as the lookup.
        metrics.Lookup("hit", hits);
        metrics.Lookup("hit-storage", storageHits);
        index.CountServed(hits + storageHits);
        if (notHere is null)
        {
            return new EntryReadBatch(silo.SiloAddress, entries);
        }

        // Checked only here: a key the index knows was validated when its entry was written.
        foreach (var i in notHere)
        {
            _ = CacheKey.Parse(grainKeys[i]); // throws, naming what is wrong
        }

        // Entries not held here (or that this silo cannot vouch for alone: the grain checks versions with the cluster).
        // A key nobody holds yet activates here (the entry grain prefers its caller's silo), so the next read of it
        // from this silo is answered from the index.
        var reads = await Task.WhenAll(notHere.Select(i => ReadAsync(grains.GetGrain<ICacheEntryGrain>(grainKeys[i]))));
        SiloAddress?[]? elsewhere = null;
        for (var j = 0; j < notHere.Count; j++)
        {
            var (entry, holder) = (reads[j].Entry, reads[j].Silo);
            entries[notHere[j]] = entry;
            if (entry is not null && !holder.Equals(silo.SiloAddress))
            {
                (elsewhere ??= new SiloAddress?[grainKeys.Length])[notHere[j]] = holder;
            }
        }

        return new EntryReadBatch(silo.SiloAddress, entries, elsewhere);
    }

    // During a rolling upgrade an entry may live on a silo that predates ReadAsync: then read it the old way, and
    // answer as if it were held here (the client learns no hint for it, which only costs this same fallback again).
    private async Task<EntryRead> ReadAsync(ICacheEntryGrain entry)
    {
        try
        {
            return await entry.ReadAsync();
        }
        catch (Exception ex) when (ex is not ArgumentException and not TimeoutException)
        {
            return new EntryRead(await entry.GetAsync(), silo.SiloAddress);
        }
    }
}
