using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Adapters;

/// <summary>
/// <see cref="IDistributedCache"/> over the cluster, so that any of its users (Microsoft.Extensions.AI's
/// <c>UseDistributedCache()</c>, and any other code of the app written against the interface) stores into the cluster: reads come from this app
/// server's coherent L1 or the cluster, writes and removals reach every app server before they return. Each call is one
/// read or one write; there is no single-flight through this interface (its callers read, then compute, then set).
/// </summary>
/// <remarks>
/// Bytes are kept as the entry's text (<see cref="AdapterPayload"/>); keys are mapped by <see cref="AdapterKeys"/>.
/// Absolute and relative expirations are honoured; sliding expiration is refused (an entry expires at a fixed time, and
/// extending it on every read would turn each read into a write), so <see cref="Refresh"/> has nothing to reset.
/// A read the cluster cannot answer is a miss (fail open); a write or removal it cannot confirm throws
/// <see cref="LlmCacheUnavailableException"/>.
/// </remarks>
internal sealed class ClusterDistributedCache(ILlmCache cache, AdapterKeys scope, TimeProvider time, ILogger<ClusterDistributedCache> logger) : IDistributedCache
{
    private static readonly AdapterPayload Payload = AdapterPayload.Distributed;

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var cacheKey = scope.KeyFor(key);
        var entry = await cache.GetAsync(cacheKey, token);
        if (entry is null)
        {
            return null;
        }

        if (Payload.TryDecode(entry.Response, out var value))
        {
            return value;
        }

        AdapterLog.ForeignEntry(logger, cacheKey.ToGrainKey(), entry.Response.ContentType);
        return null;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var cacheKey = scope.KeyFor(key);
        var timeToLive = TimeToLive(options);
        if (!Payload.TryEncode(value, key, out var response, out var refusal))
        {
            throw new ArgumentException(refusal, nameof(value));
        }

        await cache.SetAsync(cacheKey, response, new LlmCacheEntryOptions { TimeToLive = timeToLive }, token);
    }

    /// <summary>Resets a sliding expiration; no entry has one (it is refused), so there is nothing to do.</summary>
    public void Refresh(string key) => ArgumentNullException.ThrowIfNull(key);

    /// <inheritdoc cref="Refresh"/>
    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.CompletedTask;
    }

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default) => await cache.RemoveAsync(scope.KeyFor(key), token);

    // The earlier of the absolute and the relative expiration; neither leaves it to the namespace's policy.
    private TimeSpan? TimeToLive(DistributedCacheEntryOptions options)
    {
        if (options.SlidingExpiration is not null)
        {
            throw new NotSupportedException(
                "DistributedCacheEntryOptions.SlidingExpiration is not supported by the OrleansLlmCache distributed cache: an entry expires at a fixed time. "
                + "Use AbsoluteExpirationRelativeToNow (or AbsoluteExpiration) instead.");
        }

        TimeSpan? timeToLive = null;
        if (options.AbsoluteExpirationRelativeToNow is { } relative)
        {
            timeToLive = relative > TimeSpan.Zero
                ? relative
                : throw new ArgumentOutOfRangeException(nameof(options), relative, "The relative expiration value must be positive.");
        }

        if (options.AbsoluteExpiration is { } absolute)
        {
            var remaining = absolute - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), absolute, "The absolute expiration value must be in the future.");
            }

            timeToLive = timeToLive is { } earlier && earlier < remaining ? earlier : remaining;
        }

        return timeToLive;
    }
}
