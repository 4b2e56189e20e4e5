namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The fail-safe benchmark's scale: mixed traffic on two app servers through a healthy origin, then an origin that fails
/// every call for <see cref="Outage"/>, then a healthy one again. Sent to the node processes as JSON, so every member
/// round-trips. The origin is a simulated LLM whose answers take 50-200 ms, scaled down from a real model's 2-5 s, and
/// the time to live is scaled down with it, so that a run takes minutes: what matters is that entries expire while the
/// origin is down.
/// </summary>
internal sealed record FailSafeSettings
{
    public TimeSpan Healthy { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The healthy stretch after the outage: the caches refill, throttled keys ask the origin again.</summary>
    public TimeSpan After { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Shorter than the outage, so that every entry stored before it expires while the origin is down.</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan FailSafeMaxDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Both products' default, set explicitly on both.</summary>
    public TimeSpan FailSafeThrottleDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Callers on each of the two app servers, each waiting <see cref="ThinkTime"/> between its requests.</summary>
    public int CallersPerNode { get; init; } = 16;

    public TimeSpan ThinkTime { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Popular prompts (Zipf, exponent 1), and the share of requests that are first-time prompts.</summary>
    public int Keys { get; init; } = 1000;

    public double UniqueShare { get; init; } = 0.1;

    /// <summary>A healthy origin call takes a uniformly drawn time between these.</summary>
    public TimeSpan OriginMin { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan OriginMax { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the failing origin takes to fail: a provider that is down answers 503 at once.</summary>
    public TimeSpan OriginFailure { get; init; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan Total => Healthy + Outage + After;

    public CacheEntrySetup Setup(bool failSafe) => new(TimeToLive, failSafe ? FailSafeMaxDuration : TimeSpan.Zero, FailSafeThrottleDuration);
}
