namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// Client-side settings of the cache (configuration section <c>LlmCache:Client</c>):
/// <code>
/// "LlmCache": { "Client": { "Tenant": "acme", "Namespace": "default", "DefaultTimeToLive": "1.00:00:00", "OperationTimeout": "00:00:02",
///                         "RecordMissedRequestsForWarming": false } }
/// </code>
/// </summary>
public sealed class LlmCacheOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Client";

    /// <summary>The tenant used when a call names none. Default: <c>default</c>.</summary>
    public string Tenant { get; set; } = "default";

    /// <summary>The namespace used when a call names none. Default: <c>default</c>.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>
    /// How long entries live when a call does not say; <see langword="null"/> means no expiry. Default: 24 hours
    /// (the article's content-generation policy).
    /// </summary>
    public TimeSpan? DefaultTimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long one call to the cluster may take before the cache is skipped for that request (fail open: the origin
    /// still answers). Default: 2 seconds.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Keep an in-process copy (L1) of entries this app server has read or written, answered without a network call
    /// and kept coherent by the cluster's invalidation broadcasts. Default: <see langword="true"/>.
    /// </summary>
    public bool L1Enabled { get; set; } = true;

    /// <summary>
    /// Send reads that L1 cannot answer (<see cref="ILlmCache.GetAsync"/>) to the cluster in batches: one message per
    /// silo carries the keys of every caller waiting at that moment, and the silo answers each from the entries it holds.
    /// Answers are the same as without; under concurrency they come with much less work per read. Default: <see langword="true"/>.
    /// </summary>
    public bool BatchReads { get; set; } = true;

    /// <summary>The most memory L1 may hold, counting response text at two bytes a character. Default: 64 MiB.</summary>
    public long L1SizeLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How often this app server renews its invalidation subscription. Each renewal extends the silos' lease (5 s by
    /// default) during which L1 may be served; a renewal that fails lets the lease run out and L1 stops being served.
    /// Default: 1 second.
    /// </summary>
    public TimeSpan InvalidationRenewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When the cluster cannot be reached, a get-or-create call may be answered from this process's L1 copy, marked
    /// <see cref="LlmCacheSource.Stale"/>, for at most this long after the invalidation lease ran out (the moment L1
    /// stopped being served as current). A copy is never served once this app server has seen it invalidated,
    /// removed or replaced, or has missed a broadcast, and never past its own expiry. Default: zero, off (L1 stops when
    /// the lease runs out). At most <see cref="MaxL1ServeStaleWhenClusterUnreachable"/>: invalidations made meanwhile
    /// cannot reach this app server, so this is how long a removed answer may still be served here.
    /// </summary>
    public TimeSpan L1ServeStaleWhenClusterUnreachable { get; set; }

    /// <summary>The longest <see cref="L1ServeStaleWhenClusterUnreachable"/> allowed: one hour.</summary>
    public static readonly TimeSpan MaxL1ServeStaleWhenClusterUnreachable = TimeSpan.FromHours(1);

    /// <summary>
    /// Policies per namespace prefix (time to live, tags, semantic matching); see <see cref="Policies.NamespacePolicy"/>.
    /// Where none is configured, the article's three prompt-type policies apply: <c>content</c> 24 h, <c>code_analysis</c> no expiry,
    /// <c>conversation</c> 1 h. A request's own options win over its namespace's policy.
    /// </summary>
    public Dictionary<string, Policies.NamespacePolicy> Policies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Origin prices per model, for the dollars saved in cluster statistics. Default: the article's GPT-4 and
    /// Claude 3.5 Sonnet prices. Configure as <c>"Prices": { "gpt-4o-mini": { "InputPer1K": 0.00015, "OutputPer1K": 0.0006 } }</c>.
    /// </summary>
    public Dictionary<string, Diagnostics.ModelPrice> Prices { get; set; } = Diagnostics.ModelPrice.DefaultPrices();

    /// <summary>
    /// How long one call may wait inside the cluster for another caller's origin call on the same key before asking
    /// again (the silo caps it). Default: 5 seconds.
    /// </summary>
    public TimeSpan SingleFlightWaitPerCall { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fail-safe: how long past its expiry an answer is kept, and may be served (marked <see cref="LlmCacheSource.Stale"/>),
    /// when the origin fails (throws, times out, or, through the gateway, answers 408, 429 or 5xx) for a request that
    /// finds the entry expired. A namespace's policy and a request (<see cref="LlmCacheEntryOptions.FailSafeMaxDuration"/>)
    /// may set their own. Entries are kept, in the silo and in storage, for the longest of this and the request's own.
    /// Invalidated or removed entries are never served stale. Default: zero, off (an expired answer is not kept: turn it
    /// on where a day-old answer beats an error).
    /// </summary>
    public TimeSpan FailSafeMaxDuration { get; set; }

    /// <summary>
    /// After the origin failed and a stale answer was served for a key, how long the cluster serves that answer to every
    /// caller of the key that accepts stale answers without asking the origin again, so that a failing origin is not
    /// asked once per request. Default: 30 seconds.
    /// </summary>
    public TimeSpan FailSafeThrottleDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Eager refresh: a get-or-create hit on an entry that has lived at least this share of its lifetime (above 0, below
    /// 1; 0.9 refreshes in the last tenth) returns the cached answer at once and has the origin recompute it in the
    /// background, once across the cluster (the key's single-flight lease), so that a hot key is never seen expired. A
    /// namespace's policy and a request (<see cref="LlmCacheEntryOptions.EagerRefreshThreshold"/>) may set their own.
    /// Only get-or-create refreshes (a plain read has no factory), and the factory then runs after the caller has its
    /// answer, bounded by <see cref="BackgroundFactoryTimeout"/>. Default: <see langword="null"/>, off (each refresh is an
    /// origin call that is paid for whether or not the key is asked for again).
    /// </summary>
    public double? EagerRefreshThreshold { get; set; }

    /// <summary>
    /// How long a get-or-create call waits for the origin (its own call, or another caller's it shares) before it takes
    /// the expired answer fail-safe keeps (<see cref="FailSafeMaxDuration"/>), marked <see cref="LlmCacheSource.Stale"/>.
    /// The origin call goes on in the background and its answer is stored when it comes. Without a stale answer to give,
    /// the call keeps waiting. A request may set its own (<see cref="LlmCacheEntryOptions.FactorySoftTimeout"/>).
    /// Default: <see langword="null"/>, none.
    /// </summary>
    public TimeSpan? FactorySoftTimeout { get; set; }

    /// <summary>
    /// The longest a get-or-create call waits for the origin (its own call, or another caller's it shares): past it, the
    /// call returns fail-safe's stale answer if there is one, and otherwise throws <see cref="LlmCacheFactoryTimeoutException"/>
    /// (a <see cref="TimeoutException"/>). The origin call goes on in the background, keeping the key's lease, and its
    /// answer is stored when it comes. A request may set its own (<see cref="LlmCacheEntryOptions.FactoryHardTimeout"/>).
    /// Default: <see langword="null"/>, none.
    /// </summary>
    public TimeSpan? FactoryHardTimeout { get; set; }

    /// <summary>
    /// The longest an origin call may run once no caller waits for it: an eager refresh, or a call that outlasted its
    /// caller's soft or hard timeout. Counted from the call's start; then its cancellation token fires, and the key's
    /// lease is given up. Default: 2 minutes (the entry grain's lease duration).
    /// </summary>
    public TimeSpan BackgroundFactoryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Jittered lifetimes: up to this much, chosen at random per write, is added to an expiring entry's time to live, so
    /// that entries written together (a warm-up, a burst of traffic after a deploy) do not all expire, and miss, together.
    /// A namespace's policy may set its own. Default: zero, off.
    /// </summary>
    public TimeSpan TimeToLiveJitter { get; set; }

    /// <summary>Semantic matching: where it is on (nowhere by default), its threshold and guard.</summary>
    public Semantic.SemanticCacheOptions Semantic { get; set; } = new();

    /// <summary>
    /// Record the request of each miss through the chat middleware (its messages and options as JSON, up to 16 KiB) and
    /// send it to the cluster's statistics grain, which keeps it in its persisted state for the 1,000 most-missed keys,
    /// so that warming can send it to the origin again. Off, misses are still counted per key (a hash for chat requests)
    /// and listed as warming candidates, but nothing of a prompt leaves this app server for the statistics grain and
    /// the candidates cannot be warmed. <c>AddOrleansLlmCacheWarming</c> turns it on; turn it on by configuration on app
    /// servers whose candidates are warmed elsewhere (<c>llmcache candidates --warm</c>). Default: <see langword="false"/>.
    /// </summary>
    public bool RecordMissedRequestsForWarming { get; set; }
}
