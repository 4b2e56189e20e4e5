using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// Asks again, for a moment, when the cluster refused a read: a silo that is leaving (a rolling update, a scale down)
/// rejects the requests still routed to it with "Silo stopping", and a gateway that just went away fails the send.
/// Neither reached an entry, and a read has no effect to repeat, so asking again once the client routes around that
/// silo answers the caller instead of failing open into a miss (and, for get-or-create, an origin call).
/// </summary>
/// <remarks>
/// <para>
/// Only errors that say the request was refused or its silo is gone are retried (<see cref="IsRefusal"/>): a timeout
/// has already spent the caller's time. After the refused read, one more at once, then four after about 50, 100, 200
/// and 400 ms (with jitter): they fit in the default two-second operation timeout, which still bounds the whole read.
/// </para>
/// <para>
/// A read enters the pipeline only once it has been refused: passing every read through it would cost about 1.5 us and
/// 1.6 KB of allocations per cluster read (ReadRetryBenchmark), on the path that L1-off hits take.
/// </para>
/// <para>
/// Behind the retry, a circuit breaker: when nearly every retried attempt is refused too (the whole cluster is down),
/// retrying would only add most of a second to every request before it fails open, so refused reads fail at once for
/// two seconds, and one retry then probes whether the cluster is back. One per client: another client's cluster is
/// not this one's.
/// </para>
/// </remarks>
internal sealed class ClusterReadRetry
{
    // What both strategies count: a refusal, never the caller's bad input or a timeout.
    private static readonly PredicateBuilder<object> Refusals = new PredicateBuilder().Handle<Exception>(IsRefusal);

    public ResiliencePipeline Pipeline { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(50),
            ShouldHandle = Refusals,
        })
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = 0.8,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(2),
            BreakDuration = TimeSpan.FromSeconds(2),
            ShouldHandle = Refusals,
        })
        .Build();

    /// <summary>Whether a failed read was refused by the cluster (a rejected message, a silo that is gone).</summary>
    public static bool IsRefusal(Exception exception) => exception is OrleansMessageRejectionException or SiloUnavailableException;
}
