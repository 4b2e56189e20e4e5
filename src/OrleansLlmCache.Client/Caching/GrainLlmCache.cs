using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Hosting;
using OrleansLlmCache.Grains;
using OrleansLlmCache.Invalidation;
using OrleansLlmCache.Keys;
using OrleansLlmCache.Model;
using OrleansLlmCache.Storage;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// <see cref="ILlmCache"/> over entry grains, with an in-process L1 in front. Every cluster call is bounded by
/// <see cref="LlmCacheOptions.OperationTimeout"/>; reads and get-or-create fail open, so an unreachable cluster costs
/// the app a cache, never an answer.
/// </summary>
internal sealed partial class GrainLlmCache(
    IGrainFactory grains,
    IOptions<LlmCacheOptions> options,
    LlmCacheStatistics statistics,
    ClusterStatisticsCollector cluster,
    L1Cache l1,
    ClusterReadBatcher batcher,
    ClusterReadRetry retry,
    ClusterReadiness readiness,
    ILogger<GrainLlmCache> logger) : ILlmCache
{
    // An invalidation, and a write that replaces or removes a live entry (it evicts the copies everywhere), may wait out
    // the lease of a subscriber that stopped answering (5 s by default): these get longer than a read.
    private static readonly TimeSpan InvalidationTimeout = TimeSpan.FromSeconds(30);

    private readonly LlmCacheOptions _options = options.Value;

    // Validated once here (as at start-up by LlmCacheOptionsValidator): CreateKey does not check these again.
    private readonly string _tenant = Validated(options.Value.Tenant, "tenant", LlmCacheLimits.MaxTenantLength);
    private readonly string _namespace = Validated(options.Value.Namespace, "namespace", LlmCacheLimits.MaxNamespaceLength);

    public LlmCacheStatistics Statistics => statistics;

    public CacheKey CreateKey(PromptRequest request, string? tenant = null, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ToCacheKey(tenant ?? _tenant, @namespace ?? _namespace);
    }

    public CacheKey CreateKey(string id, string? tenant = null, string? @namespace = null)
    {
        // On the path of every request that builds its key from an id: the configured tenant and namespace were
        // validated once, so only what the caller passed is checked.
        var key = new CacheKey(tenant ?? _tenant, @namespace ?? _namespace, id);
        if (ReferenceEquals(key.Tenant, _tenant) && ReferenceEquals(key.Namespace, _namespace))
        {
            CacheKey.ValidatePart(id, "key", LlmCacheLimits.MaxKeyLength);
        }
        else
        {
            key.Validate();
        }

        return key;
    }

    // L1 first, without an async state machine when it hits: only validated keys are ever stored there, so a hit needs
    // no second validation.
    public ValueTask<CacheEntry?> GetAsync(CacheKey key, CancellationToken cancellationToken = default) =>
        l1.TryGet(key) is { } local ? new(local) : GetFromClusterAsync(key, cancellationToken);

    private async ValueTask<CacheEntry?> GetFromClusterAsync(CacheKey key, CancellationToken cancellationToken)
    {
        key.Validate();

        var epoch = l1.Epoch;
        try
        {
            var entry = await ReadFromClusterAsync(key, _options.BatchReads, cancellationToken);
            if (entry is not null)
            {
                l1.Set(key, entry, epoch);
            }

            return entry;
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            // Not a miss: the cache could not answer. Counted and logged as an error, and answered as "nothing".
            Unavailable("get", key, ex);
            return null;
        }
    }

    public async ValueTask<CacheEntry> SetAsync(CacheKey key, CachedResponse response, LlmCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        key.Validate();
        ArgumentNullException.ThrowIfNull(response);
        response.Validate();
        var write = WriteOptions(key, options, versions: null);
        try
        {
            l1.Remove(key);
            var epoch = l1.Epoch;
            var entry = await Entry(key).SetAsync(response, write).AsTask().WaitAsync(WriteTimeout, cancellationToken);
            l1.Set(key, entry, epoch);
            return entry;
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            statistics.RecordError();
            throw new LlmCacheUnavailableException(
                IsTimeout(ex)
                    ? $"Could not store {key}: the cluster did not confirm the write within {WriteTimeout.TotalSeconds:0} s ({Describe(ex)}); it may still be applied (a write can wait behind a lock in storage): read the key to see, or write it again."
                    : $"Could not store {key}: {Describe(ex)}",
                Cause(ex));
        }
    }

    public async ValueTask<bool> RemoveAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        key.Validate();
        l1.Remove(key);
        try
        {
            return await Entry(key).RemoveAsync().AsTask().WaitAsync(WriteTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            statistics.RecordError();
            throw new LlmCacheUnavailableException(
                IsTimeout(ex)
                    ? $"Could not remove {key}: the cluster did not confirm the removal within {WriteTimeout.TotalSeconds:0} s ({Describe(ex)}); it may still be applied: read the key to see, or remove it again."
                    : $"Could not remove {key}: {Describe(ex)}",
                Cause(ex));
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
        var write = WriteOptions(key, options, versions: null);
        var started = Stopwatch.GetTimestamp();
        if (l1.TryGet(key) is { } local)
        {
            var localElapsed = Stopwatch.GetElapsedTime(started);
            statistics.RecordHit(localElapsed, (long)local.Response.PromptTokens + local.Response.CompletionTokens, "l1");
            cluster.RecordHit(key, local.Response.Model, "l1", localElapsed, local.Response.PromptTokens, local.Response.CompletionTokens);
            return new LlmCacheResult(local.Response, LlmCacheSource.Hit, localElapsed);
        }

        var epoch = l1.Epoch;
        ICacheEntryGrain? grain = null;
        LeaseResult lease;
        try
        {
            // A live entry is read together with other callers' reads (one message per silo); only a miss needs the
            // key's single-flight lease, which costs a second call on a path that is about to wait for the origin.
            if (_options.BatchReads && await TryReadBatchedAsync(key, cancellationToken) is { } found)
            {
                lease = new LeaseResult(LeaseStatus.Hit, found);
            }
            else
            {
                grain = Entry(key);
                lease = await AcquireAsync(grain, write, cancellationToken);
            }
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            // Fail open: the origin answers, and the request counts as an error, not as a miss. A miss says the cache
            // was asked and had nothing; here it could not be asked, and a hit rate must not read an outage as misses.
            Unavailable("get-or-create", key, ex);
            var direct = await factory(cancellationToken);
            return new LlmCacheResult(direct, LlmCacheSource.OriginCacheUnavailable, Stopwatch.GetElapsedTime(started));
        }

        if (lease.Status == LeaseStatus.Hit)
        {
            var entry = lease.Entry!;
            l1.Set(key, entry, epoch);
            var elapsed = Stopwatch.GetElapsedTime(started);
            statistics.RecordHit(elapsed, (long)entry.Response.PromptTokens + entry.Response.CompletionTokens);
            var layer = lease.Coalesced ? "coalesced" : entry.LoadedFromStorage ? "storage" : "silo";
            cluster.RecordHit(key, entry.Response.Model, layer, elapsed, entry.Response.PromptTokens, entry.Response.CompletionTokens);
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
            await ReleaseQuietlyAsync(grain!, lease.LeaseId, key);
            throw;
        }

        try
        {
            // Built against the versions read when the lease was granted: an invalidation since then makes it miss.
            var stored = await grain!.CompleteLeaseAsync(lease.LeaseId, response, write with { Versions = lease.Versions })
                .AsTask().WaitAsync(_options.OperationTimeout, CancellationToken.None);
            l1.Set(key, stored, epoch);
        }
        catch (Exception ex) when (IsClusterFailure(ex, CancellationToken.None))
        {
            // The answer is good even if it could not be cached; the lease expires on its own.
            Unavailable("store", key, ex);
        }

        var missElapsed = Stopwatch.GetElapsedTime(started);
        statistics.RecordMiss(missElapsed);
        cluster.RecordMiss(key, response.Model, missElapsed, response.PromptTokens, response.CompletionTokens, options?.ReplayableRequest);
        return new LlmCacheResult(response, LlmCacheSource.Origin, missElapsed);
    }

    public ValueTask<InvalidationResult> InvalidateTagAsync(string tag, string? tenant = null, CancellationToken cancellationToken = default)
    {
        LlmCacheLimits.ValidateTags([tag]);
        var owner = TenantOf(tenant);
        return InvalidateAsync([DependencyKey.Tag(owner, tag)], $"tag {tag}", cancellationToken);
    }

    public ValueTask<InvalidationResult> InvalidateDependencyAsync(string dependency, string? tenant = null, CancellationToken cancellationToken = default)
    {
        LlmCacheLimits.ValidateDependencies([dependency]);
        var owner = TenantOf(tenant);
        return InvalidateAsync([DependencyKey.Dependency(owner, dependency)], $"dependency {dependency}", cancellationToken);
    }

    public async ValueTask<InvalidationResult> InvalidatePatternAsync(string pattern, string? tenant = null, CancellationToken cancellationToken = default)
    {
        InvalidationPattern.Validate(pattern);
        var owner = TenantOf(tenant);
        IReadOnlyList<string> namespaces;
        try
        {
            readiness.Ensure();
            namespaces = await grains.GetGrain<INamespaceRegistryGrain>(owner).ListAsync().WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            statistics.RecordError();
            throw new LlmCacheUnavailableException($"Could not invalidate pattern {pattern}: {Describe(ex)}", Cause(ex));
        }

        var keys = namespaces.Where(ns => InvalidationPattern.Matches(pattern, ns)).Select(ns => DependencyKey.Namespace(owner, ns)).ToList();
        return await InvalidateAsync(keys, $"pattern {pattern}", cancellationToken);
    }

    // Each key is invalidated on its own: one that fails does not hide what the others did, and the result says which
    // parts are not done. Only when none answered does the call throw.
    private async ValueTask<InvalidationResult> InvalidateAsync(IReadOnlyList<string> dependencyKeys, string what, CancellationToken cancellationToken)
    {
        try
        {
            readiness.Ensure();
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            statistics.RecordError();
            throw new LlmCacheUnavailableException($"Could not invalidate {what}: {Describe(ex)}; nothing was changed.", Cause(ex));
        }

        var calls = dependencyKeys.Select(k => grains.GetGrain<IDependencyGrain>(k).InvalidateAsync().WaitAsync(InvalidationTimeout, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception ex) when (IsClusterFailure(ex, cancellationToken))
        {
            // Read per call below.
        }

        cancellationToken.ThrowIfCancellationRequested();
        var done = calls.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result).ToList();
        var failed = calls.Select((call, i) => (Key: dependencyKeys[i], call.Exception)).Where(f => f.Exception is not null).ToList();
        if (failed.Count > 0)
        {
            statistics.RecordError();
        }

        if (done.Count == 0 && failed.Count > 0)
        {
            var cause = failed[0].Exception!.InnerException ?? failed[0].Exception!;
            throw new LlmCacheUnavailableException($"Could not invalidate {what}: {Describe(cause)}. {MayBeApplied}", Cause(cause));
        }

        return new InvalidationResult(
            dependencyKeys,
            done.Sum(r => r.EntriesReached),
            done.Count == 0 ? 0 : done.Min(r => r.SubscribersNotified),
            done.Sum(r => r.LeftOverRemovals),
            [.. done.SelectMany(r => r.Failures), .. failed.Select(f => $"{f.Key} failed ({Describe(f.Exception!.InnerException ?? f.Exception!)}). {MayBeApplied}")]);
    }

    private const string MayBeApplied = "It may have been applied in part; repeating the invalidation is safe and finishes it.";

    private static bool IsTimeout(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private TimeSpan WriteTimeout => _options.OperationTimeout + TimeSpan.FromSeconds(10);

    private string TenantOf(string? tenant)
    {
        var owner = tenant ?? _tenant;
        new CacheKey(owner, "x", "x").Validate();
        return owner;
    }

    private async Task<LeaseResult> AcquireAsync(ICacheEntryGrain grain, EntryWriteOptions write, CancellationToken cancellationToken)
    {
        // Each call waits at most SingleFlightWaitPerCall inside the grain; "pending" means the leaseholder is still
        // working, so ask again until it finishes, fails or its lease expires.
        var callTimeout = _options.SingleFlightWaitPerCall + _options.OperationTimeout;
        while (true)
        {
            var result = await grain.GetOrLeaseAsync(_options.SingleFlightWaitPerCall, write.Tags, write.Dependencies, cancellationToken)
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
            Unavailable("release", key, ex);
        }
    }

    private static string Validated(string value, string field, int maxLength)
    {
        CacheKey.ValidatePart(value, field, maxLength);
        return value;
    }

    private EntryWriteOptions WriteOptions(CacheKey key, LlmCacheEntryOptions? options, IReadOnlyDictionary<string, long>? versions)
    {
        // The request's own options win; then the namespace's policy; then the cache-wide default.
        var policy = Policies.NamespacePolicies.Resolve(_options, key.Namespace);
        var timeToLive = options switch
        {
            { NoExpiry: true } => null,
            { TimeToLive: { } ttl } => ttl,
            _ when policy is { NoExpiry: true } => null,
            _ when policy?.TimeToLive is { } ttl => ttl,
            _ => _options.DefaultTimeToLive,
        };
        var tags = policy is { Tags.Count: > 0 } ? [.. options?.Tags ?? [], .. policy.Tags] : options?.Tags;
        var write = new EntryWriteOptions(timeToLive, tags, options?.Dependencies, versions);
        write.Validate();
        return write;
    }

    private Task<CacheEntry?> ReadBatchedAsync(CacheKey key)
    {
        readiness.Ensure();
        return batcher.TryRead(key.ToGrainKey(), out var read) ? read : ReadOneAsync(key);
    }

    private Task<CacheEntry?> ReadOneAsync(CacheKey key) => Entry(key).GetAsync().AsTask();

    private Task<CacheEntry?> ReadAsync(CacheKey key, bool batched) => batched ? ReadBatchedAsync(key) : ReadOneAsync(key);

    // One cluster read, bounded by the operation timeout. A read the cluster refused (a leaving silo, a lost gateway) is
    // asked again within what is left of it; see ClusterReadRetry.
    private async Task<CacheEntry?> ReadFromClusterAsync(CacheKey key, bool batched, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await ReadAsync(key, batched).WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (Exception ex) when (ClusterReadRetry.IsRefusal(ex))
        {
            var left = _options.OperationTimeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"A refused read of {key} had no time left to be asked again.");
            }

            return await retry.Pipeline.ExecuteAsync(
                static (state, _) => new ValueTask<CacheEntry?>(state.cache.ReadAsync(state.key, state.batched)),
                (cache: this, key, batched),
                cancellationToken).AsTask().WaitAsync(left, cancellationToken);
        }
    }

    // A cold cluster's first batch activates a reader and then the entry, and can outlast the timeout: until some
    // batch has been answered, a failed one leaves the decision to the lease call, as before reads were batched. Once
    // batches are answered, a failure is the cluster's, and get-or-create fails open at once instead of waiting out
    // the lease call too.
    private async Task<CacheEntry?> TryReadBatchedAsync(CacheKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadFromClusterAsync(key, batched: true, cancellationToken);
        }
        catch (Exception ex) when (!batcher.HasAnswered && IsClusterFailure(ex, cancellationToken))
        {
            Log.BatchedReadFailed(logger, key.ToGrainKey(), ex.Message);
            return null;
        }
    }

    private ICacheEntryGrain Entry(CacheKey key)
    {
        readiness.Ensure();
        return grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey());
    }

    // Say what to fix ("LlmCacheStorageException: Failed to connect to 10.0.0.5:5432 (Connection refused)"), not which
    // Orleans wrapper carried it: the first exception in the chain that is not the runtime's own, plus the root cause.
    private static string Describe(Exception exception)
    {
        var chain = new List<Exception>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            chain.Add(e);
        }

        var cause = chain.FirstOrDefault(e => !IsRuntimeType(e.GetType())) ?? exception;
        var text = $"{cause.GetType().Name}: {FirstLine(cause.Message)}";
        var root = chain[^1];
        if (root != cause)
        {
            text += $" ({FirstLine(root.Message)})";
        }

        return cause == exception ? text : $"{text}, reported as {exception.GetType().Name}";
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    // Orleans' own types ("Orleans", "Orleans.Runtime"), not the project's ("OrleansLlmCache.Storage").
    private static bool IsRuntimeType(Type type) =>
        type.Namespace is { } ns && (ns == "Orleans" || ns.StartsWith("Orleans.", StringComparison.Ordinal));

    // A cluster call that failed: one error in the statistics, one line in the log. The stack trace only for a failure
    // of a kind not expected from a cluster in trouble (a defect is worth its trace; an outage is not, once per call).
    private void Unavailable(string operation, CacheKey key, Exception exception)
    {
        statistics.RecordError();
        var expected = exception is TimeoutException or LlmCacheStorageException || IsRuntimeType(exception.GetType());
        Log.CacheUnavailable(logger, operation, key.ToGrainKey(), Describe(exception), expected ? null : exception);
    }

    // What an LlmCacheUnavailableException carries as its cause: the storage failure when there was one (the silo's
    // message around it is Orleans' own wrapping), else the failure itself.
    private static Exception Cause(Exception exception) => LlmCacheStorageException.Find(exception) ?? exception;

    // Everything but the caller's own cancellation and the caller's own bad input is the cluster failing us.
    private static bool IsClusterFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not ArgumentException
        && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
