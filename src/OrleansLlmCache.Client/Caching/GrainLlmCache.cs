using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Hosting;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// <see cref="ILlmCache"/> over entry grains, composed of the read path's tiers: <see cref="L1Cache"/> in front,
/// <see cref="ClusterReader"/> for the cluster's answer, <see cref="SingleFlight"/> on a miss, <see cref="EagerRefresh"/>
/// for a hit due for a refresh, and one <see cref="CacheOutcomeObserver"/> told each outcome once. Every cluster call is bounded by
/// <see cref="LlmCacheOptions.OperationTimeout"/>; reads and get-or-create fail open, so an unreachable cluster costs
/// the app a cache, never an answer.
/// </summary>
internal sealed partial class GrainLlmCache(
    IGrainFactory grains,
    IOptions<LlmCacheOptions> options,
    LlmCacheStatistics statistics,
    L1Cache l1,
    ClusterReader reader,
    SingleFlight singleFlight,
    EagerRefresh eagerRefresh,
    EntryOptionsResolver resolve,
    CacheOutcomeObserver observer,
    ClusterReadiness readiness,
    IServiceProvider services,
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

    private async ValueTask<CacheEntry?> GetFromClusterAsync(CacheKey key, CancellationToken cancellationToken, LlmCacheEntryOptions? options = null)
    {
        key.Validate();

        var fill = l1.BeginFill(key, options);
        try
        {
            var entry = await reader.ReadAsync(key, cancellationToken);
            if (entry is not null)
            {
                fill.Complete(entry);
            }

            return entry;
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
        {
            // Not a miss: the cache could not answer. Counted and logged as an error, and answered as "nothing".
            observer.OnUnavailable("get", key, ex);
            return null;
        }
    }

    public async ValueTask<CacheEntry> SetAsync(CacheKey key, CachedResponse response, LlmCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        key.Validate();
        ArgumentNullException.ThrowIfNull(response);
        response.Validate();
        var write = WriteOptions(key, options);
        try
        {
            var fill = l1.BeginReplace(key);
            var entry = await Entry(key).SetAsync(response, write).AsTask().WaitAsync(WriteTimeout, cancellationToken);
            fill.Complete(entry);
            return entry;
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
        {
            observer.OnError();
            throw new LlmCacheUnavailableException(
                ClusterFailures.IsTimeout(ex)
                    ? $"Could not store {key}: the cluster did not confirm the write within {WriteTimeout.TotalSeconds:0} s ({ClusterFailures.Describe(ex)}); it may still be applied (a write can wait behind a lock in storage): read the key to see, or write it again."
                    : $"Could not store {key}: {ClusterFailures.Describe(ex)}",
                ClusterFailures.Cause(ex));
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
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
        {
            observer.OnError();
            throw new LlmCacheUnavailableException(
                ClusterFailures.IsTimeout(ex)
                    ? $"Could not remove {key}: the cluster did not confirm the removal within {WriteTimeout.TotalSeconds:0} s ({ClusterFailures.Describe(ex)}); it may still be applied: read the key to see, or remove it again."
                    : $"Could not remove {key}: {ClusterFailures.Describe(ex)}",
                ClusterFailures.Cause(ex));
        }
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
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
        {
            observer.OnError();
            throw new LlmCacheUnavailableException($"Could not invalidate pattern {pattern}: {ClusterFailures.Describe(ex)}", ClusterFailures.Cause(ex));
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
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
        {
            observer.OnError();
            throw new LlmCacheUnavailableException($"Could not invalidate {what}: {ClusterFailures.Describe(ex)}; nothing was changed.", ClusterFailures.Cause(ex));
        }

        var calls = dependencyKeys.Select(k => grains.GetGrain<IDependencyGrain>(k).InvalidateAsync().WaitAsync(InvalidationTimeout, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception ex) when (ClusterFailures.IsClusterFailure(ex, cancellationToken))
        {
            // Read per call below.
        }

        cancellationToken.ThrowIfCancellationRequested();
        var done = calls.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result).ToList();
        var failed = calls.Select((call, i) => (Key: dependencyKeys[i], call.Exception)).Where(f => f.Exception is not null).ToList();
        if (failed.Count > 0)
        {
            observer.OnError();
        }

        if (done.Count == 0 && failed.Count > 0)
        {
            var cause = failed[0].Exception!.InnerException ?? failed[0].Exception!;
            throw new LlmCacheUnavailableException($"Could not invalidate {what}: {ClusterFailures.Describe(cause)}. {MayBeApplied}", ClusterFailures.Cause(cause));
        }

        return new InvalidationResult(
            dependencyKeys,
            done.Sum(r => r.EntriesReached),
            done.Count == 0 ? 0 : done.Min(r => r.SubscribersNotified),
            done.Sum(r => r.LeftOverRemovals),
            [.. done.SelectMany(r => r.Failures), .. failed.Select(f => $"{f.Key} failed ({ClusterFailures.Describe(f.Exception!.InnerException ?? f.Exception!)}). {MayBeApplied}")]);
    }

    private const string MayBeApplied = "It may have been applied in part; repeating the invalidation is safe and finishes it.";

    private TimeSpan WriteTimeout => _options.OperationTimeout + TimeSpan.FromSeconds(10);

    private string TenantOf(string? tenant)
    {
        var owner = tenant ?? _tenant;
        new CacheKey(owner, "x", "x").Validate();
        return owner;
    }

    private static string Validated(string value, string field, int maxLength)
    {
        CacheKey.ValidatePart(value, field, maxLength);
        return value;
    }

    private EntryWriteOptions WriteOptions(CacheKey key, LlmCacheEntryOptions? options) => resolve.WriteOptions(key, options);

    private ICacheEntryGrain Entry(CacheKey key)
    {
        readiness.Ensure();
        return grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey());
    }
}
