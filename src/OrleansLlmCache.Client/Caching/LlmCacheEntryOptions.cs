namespace OrleansLlmCache.Client.Caching;

/// <summary>Per-entry settings that override <see cref="LlmCacheOptions"/> for one call.</summary>
public sealed class LlmCacheEntryOptions
{
    /// <summary>An entry that never expires.</summary>
    public static LlmCacheEntryOptions NeverExpire { get; } = new() { NoExpiry = true };

    /// <summary>How long the entry lives; <see langword="null"/> takes <see cref="LlmCacheOptions.DefaultTimeToLive"/>.</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>The entry never expires, whatever the default is. Default: <see langword="false"/>.</summary>
    public bool NoExpiry { get; init; }

    /// <summary>Tags to invalidate the entry by (<see cref="ILlmCache.InvalidateTagAsync"/>).</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>
    /// Dependencies the entry was built from, such as <c>product-catalog</c> or a document id
    /// (<see cref="ILlmCache.InvalidateDependencyAsync"/> makes it miss).
    /// </summary>
    public IReadOnlyList<string>? Dependencies { get; init; }

    /// <summary>
    /// Semantic matching for this request: <see langword="true"/> on, <see langword="false"/> off, <see langword="null"/>
    /// (the default) as its namespace says (<see cref="Semantic.SemanticCacheOptions.Namespaces"/>). Used by the
    /// <see cref="ILlmCache.GetOrCreateAsync(OrleansLlmCache.Abstractions.Semantic.SemanticPrompt, Func{CancellationToken, ValueTask{Abstractions.Model.CachedResponse}}, LlmCacheEntryOptions?, CancellationToken)"/> overload.
    /// </summary>
    public bool? Semantic { get; init; }

    /// <summary>
    /// Fail-safe for this request: when the origin fails, accept the last answer if it expired at most this long ago
    /// (zero: never a stale answer). <see langword="null"/> (the default) takes the namespace's policy, then
    /// <see cref="LlmCacheOptions.FailSafeMaxDuration"/>. What is stored is kept for the longer of this and those.
    /// </summary>
    public TimeSpan? FailSafeMaxDuration { get; init; }

    /// <summary>
    /// Eager refresh for this request: refresh in the background once a hit finds the entry past this share of its
    /// lifetime (above 0, below 1); 0 turns it off for the request. <see langword="null"/> (the default) takes the
    /// namespace's policy, then <see cref="LlmCacheOptions.EagerRefreshThreshold"/>.
    /// </summary>
    public double? EagerRefreshThreshold { get; init; }

    /// <summary>
    /// The soft timeout for this request (<see cref="LlmCacheOptions.FactorySoftTimeout"/>);
    /// <see cref="Timeout.InfiniteTimeSpan"/>: none. <see langword="null"/> (the default) takes the app server's.
    /// </summary>
    public TimeSpan? FactorySoftTimeout { get; init; }

    /// <summary>
    /// The hard timeout for this request (<see cref="LlmCacheOptions.FactoryHardTimeout"/>);
    /// <see cref="Timeout.InfiniteTimeSpan"/>: none. <see langword="null"/> (the default) takes the app server's.
    /// </summary>
    public TimeSpan? FactoryHardTimeout { get; init; }

    /// <summary>
    /// Skip the read: call the origin even when an answer is cached, and store its answer in place of the cached one
    /// (the gateway's <c>Cache-Control: no-cache</c>). The call takes no single-flight lease: it is answered by its own
    /// origin call, never by another caller's. With <see cref="ReadOnly"/> too, nothing is read or stored.
    /// </summary>
    public bool ForceRefresh { get; init; }

    /// <summary>
    /// Do not answer from this app server's in-process copy (L1): read the cluster, which has the last word. A copy
    /// found there may still be kept in L1, unless <see cref="SkipL1Write"/> is set too.
    /// </summary>
    public bool SkipL1Read { get; init; }

    /// <summary>
    /// Leave no new copy of the entry in this app server's L1: what the call reads or stores lives in the cluster
    /// only. A copy the call replaces is dropped, as it is on every write.
    /// </summary>
    public bool SkipL1Write { get; init; }

    /// <summary>
    /// Never store: a hit is answered from the cache as usual, a miss by the origin, whose answer is returned and not
    /// kept. The call takes no single-flight lease (it will not fill one), so concurrent read-only misses of a key each
    /// ask the origin. No eager refresh either: a refresh is a store.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// The factory belongs to the caller and must not run without it (the gateway's writes to the caller's own response):
    /// no eager refresh, and no soft or hard timeout, which would leave it running once the caller has gone.
    /// </summary>
    internal bool CallerBoundFactory { get; init; }

    /// <summary>
    /// Which origin failures may be answered stale; <see langword="null"/>: every exception but the caller's own
    /// cancellation. The gateway passes upstream 408, 429 and 5xx answers and unreachable upstreams, not other errors
    /// (a request the upstream refuses as invalid stays an error).
    /// </summary>
    internal Func<Exception, bool>? FailSafeWhen { get; init; }

    /// <summary>
    /// Writes the request down on a miss (JSON, or <see langword="null"/> when it cannot be replayed), so that a key that
    /// keeps missing can be warmed by sending it again. Set by the chat middleware; called only on a miss, and only where
    /// <see cref="LlmCacheOptions.RecordMissedRequestsForWarming"/> is on.
    /// </summary>
    internal Func<string?>? ReplayableRequest { get; init; }

    /// <summary>An entry that lives for <paramref name="timeToLive"/>.</summary>
    public static LlmCacheEntryOptions Expiring(TimeSpan timeToLive) => new() { TimeToLive = timeToLive };
}
