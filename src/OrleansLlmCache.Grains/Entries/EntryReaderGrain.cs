using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;

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
internal sealed partial class EntryReaderGrain(
    SiloEntryIndex index,
    ILocalSiloDetails silo,
    IGrainFactory grains,
    Diagnostics.SiloCacheMetrics metrics,
    ILogger<EntryReaderGrain> logger) : Grain, IEntryReaderGrain
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
            if (index.TryServe(grainKeys[i] ?? throw new ArgumentException("A batched read asked for a null key.", nameof(grainKeys)), now, out var dueForTouch) is { } entry)
            {
                entries[i] = entry;
                _ = entry.LoadedFromStorage ? storageHits++ : hits++;
                if (dueForTouch)
                {
                    // One-way, once a minute per entry: hits from here never reach the activation, which the runtime
                    // would otherwise collect as idle (then reload from storage on the next read).
                    _ = grains.GetGrain<ICacheEntryGrain>(grainKeys[i]).TouchAsync();
                }
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
        var reads = await Task.WhenAll(notHere.Select(i => ReadAsync(grainKeys[i])));
        SiloAddress?[]? elsewhere = null;
        Exception?[]? failures = null;
        for (var j = 0; j < notHere.Count; j++)
        {
            var (entry, holder, failure) = reads[j];
            entries[notHere[j]] = entry;
            if (failure is not null)
            {
                (failures ??= new Exception?[grainKeys.Length])[notHere[j]] = failure;
            }
            else if (entry is not null && !holder.Equals(silo.SiloAddress))
            {
                (elsewhere ??= new SiloAddress?[grainKeys.Length])[notHere[j]] = holder;
            }
        }

        return new EntryReadBatch(silo.SiloAddress, entries, elsewhere, failures);
    }

    // A key whose read fails is answered with its failure, not as a miss: a miss sends a get-or-create caller to the
    // origin as if the cache had been asked and had nothing, and hides the trouble from statistics. One key whose
    // storage or silo is in trouble must not fail the other callers in the batch either, so the failure is the key's.
    private async Task<(CacheEntry? Entry, SiloAddress Silo, Exception? Failure)> ReadAsync(string grainKey)
    {
        try
        {
            var read = await grains.GetGrain<ICacheEntryGrain>(grainKey).ReadAsync();
            return (read.Entry, read.Silo, null);
        }
        catch (Exception ex)
        {
            var failure = Portable(ex);
            Log.ReadFailed(logger, grainKey, failure.GetType().Name, failure.Message);
            return (null, silo.SiloAddress, failure);
        }
    }

    // What the client can read: a storage failure as the project's own exception (the database driver's types are
    // not the client's); the runtime's own exceptions as they are (the client retries a refused read); anything
    // else as its type and message, without an inner exception of a type the client might not know.
    private static Exception Portable(Exception exception)
    {
        if (Errors.StorageFailures.Translate(exception) is { } storage)
        {
            return storage;
        }

        var ns = exception.GetType().Namespace ?? "";
        var known = ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns == "Orleans" || ns.StartsWith("Orleans.", StringComparison.Ordinal);
        return known && exception.InnerException is null ? exception : new InvalidOperationException($"{exception.GetType().Name}: {exception.Message}");
    }

    private static partial class Log
    {
        // Debug: the caller logs the failed read, and the entry's silo logs a storage failure where it happened.
        [LoggerMessage(1003, LogLevel.Debug, "A batched read of {Key} failed ({Type}: {Reason}); the caller is told so.")]
        public static partial void ReadFailed(ILogger logger, string key, string type, string reason);
    }
}
