using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Adapters;

/// <summary>
/// <see cref="HybridCache"/> over the cluster, for code written against HybridCache: a miss makes one factory call in
/// the whole cluster (<see cref="ILlmCache.GetOrCreateAsync(CacheKey, Func{CancellationToken, ValueTask{CachedResponse}}, LlmCacheEntryOptions?, CancellationToken)"/>),
/// and removals and tag invalidations reach every app server before they return. This app server's L1 is the local
/// cache and the cluster the distributed one: the L1 is coherent, so there is no second in-process copy to go stale.
/// </summary>
/// <remarks>
/// Values are serialized by HybridCache's conventions (<see cref="HybridSerializers"/>) and stored as the entry's text
/// (<see cref="AdapterPayload"/>), keys and tags mapped by <see cref="AdapterKeys"/>. Flags are honoured or refused,
/// never ignored: a value kept on this app server only (<see cref="HybridCacheEntryFlags.DisableDistributedCacheWrite"/>
/// without <see cref="HybridCacheEntryFlags.DisableLocalCacheWrite"/>) cannot be, because the L1 holds only copies of
/// cluster entries.
/// </remarks>
internal sealed class ClusterHybridCache(
    ILlmCache cache,
    L1Cache l1,
    AdapterKeys scope,
    HybridSerializers serializers,
    TimeSpan? defaultExpiration,
    HybridCacheEntryFlags defaultFlags,
    ILogger<ClusterHybridCache> logger) : HybridCache
{
    /// <summary>The wildcard of <see cref="RemoveByTagAsync(string, CancellationToken)"/>: every value of the adapter.</summary>
    public const string WildcardTag = "*";

    private const HybridCacheEntryFlags KnownFlags =
        HybridCacheEntryFlags.DisableLocalCache | HybridCacheEntryFlags.DisableDistributedCache
        | HybridCacheEntryFlags.DisableUnderlyingData | HybridCacheEntryFlags.DisableCompression;

    // Calls with any of these do not go through the key's single-flight lease: it reads the cluster and stores there.
    private const HybridCacheEntryFlags OutsideSingleFlight =
        HybridCacheEntryFlags.DisableDistributedCache | HybridCacheEntryFlags.DisableUnderlyingData;

    private static readonly AdapterPayload Payload = AdapterPayload.Hybrid;

    public override async ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null,
        IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var flags = FlagsOf(options);
        var cacheKey = scope.KeyFor(key);
        var entryOptions = EntryOptions(options, tags);
        if (Has(flags, HybridCacheEntryFlags.DisableLocalCacheRead))
        {
            l1.Remove(cacheKey); // so that the read goes to the cluster
        }

        try
        {
            return (flags & OutsideSingleFlight) == 0
                ? await GetOrCreateSharedAsync(key, cacheKey, state, factory, entryOptions, cancellationToken)
                : await GetOrCreateAloneAsync(key, cacheKey, flags, state, factory, entryOptions, cancellationToken);
        }
        finally
        {
            if (Has(flags, HybridCacheEntryFlags.DisableLocalCacheWrite))
            {
                l1.Remove(cacheKey);
            }
        }
    }

    public override async ValueTask SetAsync<T>(
        string key,
        T value,
        HybridCacheEntryOptions? options = null,
        IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        var flags = FlagsOf(options);
        var cacheKey = scope.KeyFor(key);
        var entryOptions = EntryOptions(options, tags);
        if (Has(flags, HybridCacheEntryFlags.DisableDistributedCacheWrite))
        {
            return; // and DisableLocalCacheWrite (FlagsOf refuses it alone): written nowhere
        }

        try
        {
            await cache.SetAsync(cacheKey, Encode(key, value), entryOptions, cancellationToken);
        }
        finally
        {
            if (Has(flags, HybridCacheEntryFlags.DisableLocalCacheWrite))
            {
                l1.Remove(cacheKey);
            }
        }
    }

    public override async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        await cache.RemoveAsync(scope.KeyFor(key), cancellationToken);

    public override async ValueTask RemoveAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        if (keys is not null)
        {
            await Task.WhenAll(keys.Select(k => RemoveAsync(k, cancellationToken).AsTask()));
        }
    }

    public override async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return; // as HybridCache: no entry can carry such a tag
        }

        var result = tag == WildcardTag
            ? await cache.InvalidatePatternAsync(scope.Namespace, scope.Tenant, cancellationToken)
            : await cache.InvalidateTagAsync(AdapterKeys.MapTag(tag), scope.Tenant, cancellationToken);
        if (!result.IsComplete)
        {
            AdapterLog.IncompleteRemoval(logger, tag, string.Join(" ", result.Failures));
        }
    }

    public override async ValueTask RemoveByTagAsync(IEnumerable<string> tags, CancellationToken cancellationToken = default)
    {
        if (tags is not null)
        {
            await Task.WhenAll(tags.Select(t => RemoveByTagAsync(t, cancellationToken).AsTask()));
        }
    }

    // The usual path: one factory call for the key across the cluster; the caller that made it gets its own value back.
    private async Task<T> GetOrCreateSharedAsync<TState, T>(
        string key,
        CacheKey cacheKey,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        LlmCacheEntryOptions entryOptions,
        CancellationToken cancellationToken)
    {
        var created = default(T)!;
        string? refusal = null;
        LlmCacheResult result;
        try
        {
            result = await cache.GetOrCreateAsync(
                cacheKey,
                async ct =>
                {
                    created = await factory(state, ct);
                    var bytes = Serialize(created);
                    if (!Payload.TryEncode(bytes.WrittenSpan, key, out var response, out refusal))
                    {
                        throw new UncacheableResponseException(refusal, Payload.Model, 0, 0);
                    }

                    return response;
                },
                entryOptions,
                cancellationToken);
        }
        catch (UncacheableResponseException) when (refusal is not null)
        {
            throw new ArgumentException(refusal, "value");
        }

        if (result.Source is LlmCacheSource.Origin or LlmCacheSource.OriginCacheUnavailable)
        {
            return created;
        }

        if (TryDecode<T>(cacheKey, result.Response, out var found))
        {
            return found;
        }

        var value = await factory(state, cancellationToken);
        if (Payload.Owns(result.Response))
        {
            await StoreQuietlyAsync(key, cacheKey, value, entryOptions, cancellationToken);
        }

        return value;
    }

    // Flags that keep the cluster out of the read, the write or the factory: read what may be read, call the factory
    // only if it may be called, store only if the cluster may be written.
    private async Task<T> GetOrCreateAloneAsync<TState, T>(
        string key,
        CacheKey cacheKey,
        HybridCacheEntryFlags flags,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        LlmCacheEntryOptions entryOptions,
        CancellationToken cancellationToken)
    {
        var found = !Has(flags, HybridCacheEntryFlags.DisableDistributedCacheRead) ? await cache.GetAsync(cacheKey, cancellationToken)
            : !Has(flags, HybridCacheEntryFlags.DisableLocalCacheRead) ? l1.TryGet(cacheKey)
            : null;
        if (found is not null && TryDecode<T>(cacheKey, found.Response, out var cached))
        {
            return cached;
        }

        if (Has(flags, HybridCacheEntryFlags.DisableUnderlyingData))
        {
            return default!;
        }

        var value = await factory(state, cancellationToken);
        if (!Has(flags, HybridCacheEntryFlags.DisableDistributedCacheWrite) && (found is null || Payload.Owns(found.Response)))
        {
            await StoreQuietlyAsync(key, cacheKey, value, entryOptions, cancellationToken);
        }

        return value;
    }

    // A get-or-create answers even when its value could not be stored (the cluster is unreachable); too large a value is
    // the caller's error and is thrown.
    private async Task StoreQuietlyAsync<T>(string key, CacheKey cacheKey, T value, LlmCacheEntryOptions entryOptions, CancellationToken cancellationToken)
    {
        var response = Encode(key, value);
        try
        {
            await cache.SetAsync(cacheKey, response, entryOptions, cancellationToken);
        }
        catch (LlmCacheUnavailableException ex)
        {
            AdapterLog.NotStored(logger, cacheKey.ToGrainKey(), ex.Message);
        }
    }

    private CachedResponse Encode<T>(string key, T value)
    {
        var bytes = Serialize(value);
        return Payload.TryEncode(bytes.WrittenSpan, key, out var response, out var refusal)
            ? response
            : throw new ArgumentException(refusal, nameof(value));
    }

    private ArrayBufferWriter<byte> Serialize<T>(T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        serializers.For<T>().Serialize(value, buffer);
        return buffer;
    }

    private bool TryDecode<T>(CacheKey cacheKey, CachedResponse response, [MaybeNullWhen(false)] out T value)
    {
        value = default;
        if (!Payload.TryDecode(response, out var bytes))
        {
            AdapterLog.ForeignEntry(logger, cacheKey.ToGrainKey(), response.ContentType);
            return false;
        }

        try
        {
            value = serializers.For<T>().Deserialize(new ReadOnlySequence<byte>(bytes));
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Written for another type, or by an older form of the type: a miss, as HybridCache treats it.
            AdapterLog.UnreadableValue(logger, cacheKey.ToGrainKey(), typeof(T).Name, ex);
            return false;
        }
    }

    private HybridCacheEntryFlags FlagsOf(HybridCacheEntryOptions? options)
    {
        var flags = options?.Flags ?? defaultFlags;
        if ((flags & ~KnownFlags) != 0)
        {
            throw new NotSupportedException($"HybridCacheEntryFlags value {(int)(flags & ~KnownFlags)} is not known to the OrleansLlmCache HybridCache, which honours or refuses every flag it knows and does not ignore one.");
        }

        if ((flags & HybridCacheEntryFlags.DisableDistributedCacheWrite) != 0 && (flags & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0)
        {
            throw new NotSupportedException(
                "HybridCacheEntryFlags.DisableDistributedCacheWrite without DisableLocalCacheWrite asks to keep the value on this app server only; "
                + "the OrleansLlmCache HybridCache keeps local copies of cluster entries only, so it cannot. "
                + "Add DisableLocalCacheWrite (the value is then returned and not cached), or keep such values in an in-process cache.");
        }

        return flags;
    }

    private LlmCacheEntryOptions EntryOptions(HybridCacheEntryOptions? options, IEnumerable<string>? tags)
    {
        // LocalCacheExpiration has nothing to bound: the L1 drops a copy on every app server when its entry changes.
        var timeToLive = options?.Expiration ?? defaultExpiration;
        LlmCacheLimits.ValidateTimeToLive(timeToLive);
        var mapped = MapTags(tags);
        LlmCacheLimits.ValidateTags(mapped);
        // A HybridCache factory runs within its caller's call (its state may well be the caller's, such as a scoped
        // service): never on its own later, as an eager refresh or an origin call outliving a timeout would run it.
        return new LlmCacheEntryOptions { TimeToLive = timeToLive, Tags = mapped, CallerBoundFactory = true };
    }

    private static List<string>? MapTags(IEnumerable<string>? tags)
    {
        if (tags is null)
        {
            return null;
        }

        var mapped = new List<string>();
        foreach (var tag in tags)
        {
            if (string.IsNullOrWhiteSpace(tag))
            {
                throw new ArgumentException("Tags cannot be empty.", nameof(tags));
            }

            if (tag == WildcardTag)
            {
                throw new ArgumentException($"The tag '{WildcardTag}' is reserved (RemoveByTagAsync(\"{WildcardTag}\") removes every value) and cannot be given to a value.", nameof(tags));
            }

            var id = AdapterKeys.MapTag(tag);
            if (!mapped.Contains(id))
            {
                mapped.Add(id);
            }
        }

        return mapped.Count == 0 ? null : mapped;
    }

    private static bool Has(HybridCacheEntryFlags flags, HybridCacheEntryFlags flag) => (flags & flag) != 0;
}
