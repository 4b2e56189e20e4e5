using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Invalidation;
using OrleansLlmCache.Keys;
using OrleansLlmCache.Model;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The app server's in-process layer: a size-bounded <see cref="MemoryCache"/> of live entries. An entry is served only
/// while it has not expired and this process's <see cref="DependencyVersionTable"/> is trusted and says every version
/// it was built against is current; removals, overwrites and invalidations evict it through the hub's broadcasts.
/// </summary>
internal sealed class L1Cache : IDisposable
{
    private readonly MemoryCache? _cache;
    private readonly DependencyVersionTable _versions;
    private readonly TimeProvider _time;

    public L1Cache(IOptions<LlmCacheOptions> options, DependencyVersionTable versions, TimeProvider time)
    {
        _versions = versions;
        _time = time;
        if (options.Value.L1Enabled)
        {
            _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.L1SizeLimitBytes, CompactionPercentage = 0.25 });
        }
    }

    public bool Enabled => _cache is not null;

    public CacheEntry? TryGet(CacheKey key)
    {
        if (_cache is null || !_cache.TryGetValue(key.ToGrainKey(), out CacheEntry? entry) || entry is null)
        {
            return null;
        }

        return (entry.ExpiresAt is { } expires && expires <= _time.GetUtcNow()) || !_versions.IsCurrentLocally(entry.Versions)
            ? null
            : entry;
    }

    /// <summary>The epoch to pass back to <see cref="Set"/>: read it before asking the cluster.</summary>
    public long Epoch => _versions.Epoch;

    /// <summary>
    /// Keeps a copy of an entry the cluster just served or stored. The silo vouched for its versions; they become this
    /// process's known versions too (versions only grow, and any later invalidation reaches us as a broadcast). Kept
    /// only if the version table is trusted and was not flushed since <paramref name="epoch"/> was read: otherwise a
    /// broadcast could have been missed while the entry was in flight.
    /// </summary>
    public void Set(CacheKey key, CacheEntry entry, long epoch)
    {
        if (_cache is null || !_versions.IsTrusted || _versions.Epoch != epoch)
        {
            return;
        }

        foreach (var (dependency, version) in entry.Versions ?? new Dictionary<string, long>())
        {
            _versions.Merge(dependency, version);
        }

        using var item = _cache.CreateEntry(key.ToGrainKey());
        item.Value = entry;
        item.Size = 256 + (2L * (entry.Response.Content.Length + entry.Response.Model.Length));
        if (entry.ExpiresAt is { } expires)
        {
            item.AbsoluteExpiration = expires;
        }
    }

    public void Remove(string grainKey) => _cache?.Remove(grainKey);

    public void Evict(IReadOnlyList<string> grainKeys)
    {
        foreach (var key in grainKeys)
        {
            _cache?.Remove(key);
        }
    }

    public void Clear() => _cache?.Clear();

    public int Count => _cache?.Count ?? 0;

    public void Dispose() => _cache?.Dispose();
}
