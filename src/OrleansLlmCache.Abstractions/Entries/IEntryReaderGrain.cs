using Orleans.Concurrency;
using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Abstractions.Entries;

/// <summary>
/// Reads many entries in one message. Each app server uses reader keys of its own, and each activates on the gateway
/// silo its calls arrive at; it answers each key from the entries that silo's own activations hold, without a grain
/// call, and reads a key held elsewhere, or not live here, from its entry grain.
/// </summary>
/// <remarks>
/// This is how an app server reads from the cluster without one Orleans message per key: it batches the reads of
/// every concurrent caller per silo (see <see cref="EntryReadBatch"/> for how it learns where keys live). A read here
/// answers exactly what <see cref="ICacheEntryGrain.GetAsync"/> would: same expiry, same dependency-version checks.
/// </remarks>
[Alias("llmcache.IEntryReaderGrain")]
public interface IEntryReaderGrain : IGrainWithStringKey
{
    /// <summary>The live entry of each grain key (see <see cref="Keys.CacheKey.ToGrainKey"/>), in order, or null for none.</summary>
    /// <param name="grainKeys">At most <see cref="LlmCacheLimits.MaxKeysPerRead"/> keys.</param>
    [Alias("GetMany"), AlwaysInterleave]
    ValueTask<EntryReadBatch> GetManyAsync(string[] grainKeys);
}
