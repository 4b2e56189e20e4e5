using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Policies;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// Resolves what a request asks of the cache, setting by setting: the request's own options win, then its namespace's
/// policy (<see cref="NamespacePolicies"/>), then the app server's <see cref="LlmCacheOptions"/>.
/// </summary>
internal sealed class EntryOptionsResolver(LlmCacheOptions options)
{
    /// <summary>For the container: the app server's options as bound and validated.</summary>
    public EntryOptionsResolver(IOptions<LlmCacheOptions> options)
        : this(options.Value)
    {
    }

    // Read on every get-or-create hit, L1 ones included: a namespace's policy is looked up only when some policy sets a
    // threshold at all.
    private readonly bool _policiesRefresh = options.Policies.Values.Any(p => p?.EagerRefreshThreshold is not null);
    private readonly double _refreshThreshold = options.EagerRefreshThreshold ?? 0;

    /// <summary>What the write of an entry of <paramref name="key"/> declares; throws an <see cref="ArgumentException"/> naming what is not valid.</summary>
    public EntryWriteOptions WriteOptions(CacheKey key, LlmCacheEntryOptions? request)
    {
        var policy = NamespacePolicies.Resolve(options, key.Namespace);
        var timeToLive = request switch
        {
            { NoExpiry: true } => null,
            { TimeToLive: { } ttl } => ttl,
            _ when policy is { NoExpiry: true } => null,
            _ when policy?.TimeToLive is { } ttl => ttl,
            _ => options.DefaultTimeToLive,
        };
        var tags = policy is { Tags.Count: > 0 } ? [.. request?.Tags ?? [], .. policy.Tags] : request?.Tags;

        // Kept for the longest fail-safe anybody asks of it: a request's own stale-if-error must not shorten what its
        // namespace keeps for other callers.
        var keep = policy?.FailSafeMaxDuration ?? options.FailSafeMaxDuration;
        if (request?.FailSafeMaxDuration is { } requested && requested > keep)
        {
            keep = requested;
        }

        var write = new EntryWriteOptions(Jittered(timeToLive, policy), tags, request?.Dependencies, Versions: null, FailSafe: keep > TimeSpan.Zero ? keep : null);
        write.Validate();
        return write;
    }

    /// <summary>How far past its expiry this request accepts an answer when the origin fails: its own, its namespace's, the default.</summary>
    public TimeSpan AcceptStale(CacheKey key, LlmCacheEntryOptions? request) =>
        request?.FailSafeMaxDuration ?? NamespacePolicies.Resolve(options, key.Namespace)?.FailSafeMaxDuration ?? options.FailSafeMaxDuration;

    /// <summary>
    /// The share of an entry's lifetime after which a hit refreshes it in the background; 0 when this request does not
    /// refresh ahead. Throws an <see cref="ArgumentException"/> for a request's threshold out of range.
    /// </summary>
    public double RefreshThreshold(CacheKey key, LlmCacheEntryOptions? request)
    {
        if (request is not null)
        {
            if (request.CallerBoundFactory || request.ReadOnly)
            {
                return 0; // its factory cannot run once the caller has its answer, or its answer must not be stored
            }

            if (request.EagerRefreshThreshold is { } own)
            {
                RefreshAheadLimits.ValidateThreshold(own, nameof(LlmCacheEntryOptions.EagerRefreshThreshold), zeroTurnsOff: true);
                return own;
            }
        }

        return _policiesRefresh && NamespacePolicies.Resolve(options, key.Namespace)?.EagerRefreshThreshold is { } ofNamespace ? ofNamespace : _refreshThreshold;
    }

    /// <summary>What the request expects of the origin call: fail-safe and the factory timeouts.</summary>
    public OriginPolicy Origin(CacheKey key, LlmCacheEntryOptions? request)
    {
        var acceptStale = AcceptStale(key, request);
        if (request is { CallerBoundFactory: true })
        {
            return new OriginPolicy(acceptStale, request.FailSafeWhen); // a timeout would leave its factory running without it
        }

        RefreshAheadLimits.ValidateFactoryTimeout(request?.FactorySoftTimeout, nameof(LlmCacheEntryOptions.FactorySoftTimeout));
        RefreshAheadLimits.ValidateFactoryTimeout(request?.FactoryHardTimeout, nameof(LlmCacheEntryOptions.FactoryHardTimeout));
        var soft = RefreshAheadLimits.Set(request?.FactorySoftTimeout ?? options.FactorySoftTimeout);
        var hard = RefreshAheadLimits.Set(request?.FactoryHardTimeout ?? options.FactoryHardTimeout);
        return new OriginPolicy(acceptStale, request?.FailSafeWhen, soft, hard);
    }

    // Up to the jitter added at random, so that entries written together expire apart; never past the longest lifetime.
    private TimeSpan? Jittered(TimeSpan? timeToLive, NamespacePolicy? policy)
    {
        var jitter = policy?.TimeToLiveJitter ?? options.TimeToLiveJitter;
        if (timeToLive is not { } ttl || jitter <= TimeSpan.Zero || ttl < LlmCacheLimits.MinTimeToLive || ttl > LlmCacheLimits.MaxTimeToLive)
        {
            return timeToLive; // none to spread, or out of range: the write's validation names it as the caller gave it
        }

        var spread = ttl + (jitter * Random.Shared.NextDouble());
        return spread > LlmCacheLimits.MaxTimeToLive ? LlmCacheLimits.MaxTimeToLive : spread;
    }
}
