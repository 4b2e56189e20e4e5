namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// What one app server saw in the fail-safe benchmark, sent back to the harness as JSON. Prompts are the stream's ids
/// ("z{rank}" popular, "u..." first-time); only popular ones are listed by name, first-time ones are counted.
/// </summary>
/// <param name="Answers">Requests by the phase they started in, then by <see cref="OutageAnswer"/>.</param>
/// <param name="OriginCalls">Origin calls by the phase they started in (during the outage, every one failed).</param>
/// <param name="OutageOriginCalls">Popular prompt, origin calls for it during the outage.</param>
/// <param name="OutageErrors">Popular prompt, requests for it that got an error during the outage.</param>
/// <param name="AnsweredBeforeOutage">Popular prompts the origin answered here before the outage (stored then).</param>
/// <param name="SuccessMicros">The latency of every request that got an answer, microseconds.</param>
/// <param name="ErrorMicros">How long every request that got an error waited for it, microseconds.</param>
/// <param name="ErrorKinds">Exception type and message, how many callers got it.</param>
internal sealed record OutageNodeResult(
    int[][] Answers,
    int[] OriginCalls,
    Dictionary<string, int> OutageOriginCalls,
    int OutageOriginCallsFirstTime,
    Dictionary<string, int> OutageErrors,
    int OutageErrorsFirstTime,
    string[] AnsweredBeforeOutage,
    double[] SuccessMicros,
    double[] ErrorMicros,
    Dictionary<string, int> ErrorKinds)
{
    public int Count(OutagePhase phase, OutageAnswer answer) => Answers[(int)phase][(int)answer];
}
