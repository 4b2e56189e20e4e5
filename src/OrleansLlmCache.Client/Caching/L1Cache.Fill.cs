using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Client.Caching;

internal sealed partial class L1Cache
{
    /// <summary>
    /// Starts filling <paramref name="key"/> from the cluster: call it before asking the cluster, and hand the answer to
    /// <see cref="L1Fill.Complete"/>. The fill remembers what L1 knew when it started, so that an answer read before an
    /// invalidation, an eviction or a lost subscription reached this process is not kept.
    /// </summary>
    public L1Fill BeginFill(CacheKey key) => new(this, key, Epoch);

    /// <summary>As <see cref="BeginFill(CacheKey)"/>, or a fill that keeps nothing when the request leaves no copy in L1.</summary>
    public L1Fill BeginFill(CacheKey key, LlmCacheEntryOptions? options) => options is { SkipL1Write: true } ? default : BeginFill(key);

    /// <summary>
    /// Drops the copy of <paramref name="key"/> and starts filling it with what a write is about to store: the copy this
    /// process held is outdated by the write, whatever the write's outcome.
    /// </summary>
    public L1Fill BeginReplace(CacheKey key)
    {
        Remove(key);
        return BeginFill(key);
    }

    /// <summary>
    /// A pending fill of one key (see <see cref="BeginFill(CacheKey)"/>); completing it more than once is harmless. The default
    /// value keeps nothing: for a request that leaves no copy in L1 (<see cref="LlmCacheEntryOptions.SkipL1Write"/>).
    /// </summary>
    public readonly struct L1Fill
    {
        private readonly L1Cache? _cache;
        private readonly CacheKey _key;
        private readonly long _epoch;

        internal L1Fill(L1Cache cache, CacheKey key, long epoch) => (_cache, _key, _epoch) = (cache, key, epoch);

        /// <summary>Keeps <paramref name="entry"/>, which the cluster served or stored for the key, if nothing outdated it meanwhile.</summary>
        public void Complete(CacheEntry entry) => _cache?.Set(_key, entry, _epoch);
    }
}
