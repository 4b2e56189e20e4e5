using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Grains;
using OrleansLlmCache.Keys;
using OrleansLlmCache.Model;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// <see cref="ILlmCache"/> over entry grains. Every cluster call is bounded by <see cref="LlmCacheOptions.OperationTimeout"/>;
/// reads and get-or-create fail open, so an unreachable cluster costs the app a cache, never an answer.
/// </summary>
internal sealed class GrainLlmCache(
    IGrainFactory grains,
    IOptions<LlmCacheOptions> options,
    LlmCacheStatistics statistics,
    ILogger<GrainLlmCache> logger) : ILlmCache
{
    private readonly LlmCacheOptions _options = options.Value;

    public LlmCacheStatistics Statistics => statistics;

    public CacheKey CreateKey(PromptRequest request, string? tenant = null, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ToCacheKey(tenant ?? _options.Tenant, @namespace ?? _options.Namespace);
    }

    public CacheKey CreateKey(string id, string? tenant = null, string? @namespace = null)
    {
        var key = new CacheKey(tenant ?? _options.Tenant, @namespace ?? _options.Namespace, id);
        key.Validate();
        return key;
    }

    public async ValueTask<CacheEntry?> GetAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        key.Validate();
        try
        {
            return await Entry(key).GetAsync().AsTask().WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            statistics.RecordError();
            Log.CacheUnavailable(logger, "get", key.ToGrainKey(), ex.Message, ex);
            return null;
        }
    }

    public async ValueTask<CacheEntry> SetAsync(CacheKey key, CachedResponse response, LlmCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        key.Validate();
        ArgumentNullException.ThrowIfNull(response);
        response.Validate();
        var timeToLive = TimeToLive(options);
        try
        {
            return await Entry(key).SetAsync(response, timeToLive).AsTask().WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            statistics.RecordError();
            throw new LlmCacheUnavailableException($"Could not store {key}: {Describe(ex)}", ex);
        }
    }

    public async ValueTask<bool> RemoveAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        key.Validate();
        try
        {
            return await Entry(key).RemoveAsync().AsTask().WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            statistics.RecordError();
            throw new LlmCacheUnavailableException($"Could not remove {key}: {Describe(ex)}", ex);
        }
    }

    public async ValueTask<LlmCacheResult> GetOrCreateAsync(
        CacheKey key,
        Func<CancellationToken, ValueTask<CachedResponse>> factory,
        LlmCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        key.Validate();
        ArgumentNullException.ThrowIfNull(factory);
        var timeToLive = TimeToLive(options);
        var started = Stopwatch.GetTimestamp();
        var grain = Entry(key);

        LeaseResult lease;
        try
        {
            lease = await AcquireAsync(grain, cancellationToken);
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            statistics.RecordError();
            Log.CacheUnavailable(logger, "get-or-create", key.ToGrainKey(), ex.Message, ex);
            var direct = await factory(cancellationToken);
            var directElapsed = Stopwatch.GetElapsedTime(started);
            statistics.RecordMiss(directElapsed);
            return new LlmCacheResult(direct, LlmCacheSource.OriginCacheUnavailable, directElapsed);
        }

        if (lease.Status == LeaseStatus.Hit)
        {
            var entry = lease.Entry!;
            var elapsed = Stopwatch.GetElapsedTime(started);
            statistics.RecordHit(elapsed, (long)entry.Response.PromptTokens + entry.Response.CompletionTokens);
            return new LlmCacheResult(entry.Response, lease.Coalesced ? LlmCacheSource.Coalesced : LlmCacheSource.Hit, elapsed);
        }

        // This caller holds the lease: it alone calls the origin for the key.
        CachedResponse response;
        try
        {
            response = await factory(cancellationToken);
            response.Validate();
        }
        catch (Exception ex)
        {
            Log.OriginFailed(logger, key.ToGrainKey(), ex);
            await ReleaseQuietlyAsync(grain, lease.LeaseId, key);
            throw;
        }

        try
        {
            await grain.CompleteLeaseAsync(lease.LeaseId, response, timeToLive).AsTask().WaitAsync(_options.OperationTimeout, CancellationToken.None);
        }
        catch (Exception ex) when (IsClusterFailure(ex, CancellationToken.None))
        {
            // The answer is good even if it could not be cached; the lease expires on its own.
            statistics.RecordError();
            Log.CacheUnavailable(logger, "store", key.ToGrainKey(), ex.Message, ex);
        }

        var missElapsed = Stopwatch.GetElapsedTime(started);
        statistics.RecordMiss(missElapsed);
        return new LlmCacheResult(response, LlmCacheSource.Origin, missElapsed);
    }

    private async Task<LeaseResult> AcquireAsync(ICacheEntryGrain grain, CancellationToken cancellationToken)
    {
        // Each call waits at most SingleFlightWaitPerCall inside the grain; "pending" means the leaseholder is still
        // working, so ask again until it finishes, fails or its lease expires.
        var callTimeout = _options.SingleFlightWaitPerCall + _options.OperationTimeout;
        while (true)
        {
            var result = await grain.GetOrLeaseAsync(_options.SingleFlightWaitPerCall, cancellationToken)
                .AsTask().WaitAsync(callTimeout, cancellationToken);
            if (result.Status != LeaseStatus.Pending)
            {
                return result;
            }
        }
    }

    private async Task ReleaseQuietlyAsync(ICacheEntryGrain grain, Guid leaseId, CacheKey key)
    {
        try
        {
            await grain.ReleaseLeaseAsync(leaseId).AsTask().WaitAsync(_options.OperationTimeout);
        }
        catch (Exception ex) when (IsClusterFailure(ex, CancellationToken.None))
        {
            // The lease expires on its own; waiters then take over.
            statistics.RecordError();
            Log.CacheUnavailable(logger, "release", key.ToGrainKey(), ex.Message, ex);
        }
    }

    private TimeSpan? TimeToLive(LlmCacheEntryOptions? options)
    {
        var timeToLive = options switch
        {
            { NoExpiry: true } => null,
            { TimeToLive: { } ttl } => ttl,
            _ => _options.DefaultTimeToLive,
        };
        LlmCacheLimits.ValidateTimeToLive(timeToLive);
        return timeToLive;
    }

    private ICacheEntryGrain Entry(CacheKey key) => grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey());

    // Say what to fix ("NpgsqlException: Failed to connect to 10.0.0.5:5432 (Connection refused)"), not which
    // Orleans wrapper carried it: the first exception in the chain that is not the runtime's own, plus the root cause.
    private static string Describe(Exception exception)
    {
        var chain = new List<Exception>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            chain.Add(e);
        }

        var cause = chain.FirstOrDefault(e => e.GetType().Namespace?.StartsWith("Orleans", StringComparison.Ordinal) != true) ?? exception;
        var text = $"{cause.GetType().Name}: {FirstLine(cause.Message)}";
        var root = chain[^1];
        if (root != cause)
        {
            text += $" ({FirstLine(root.Message)})";
        }

        return cause == exception ? text : $"{text}, reported as {exception.GetType().Name}";
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    // Everything but the caller's own cancellation and the caller's own bad input is the cluster failing us.
    private static bool IsClusterFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not ArgumentException
        && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
