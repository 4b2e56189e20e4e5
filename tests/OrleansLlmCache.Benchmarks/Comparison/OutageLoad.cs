using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The app server's side of the fail-safe benchmark (<see cref="FailSafeBenchmark"/>): callers replay a Zipf request
/// stream through get-or-create against a simulated origin that is healthy, then fails every call, then is healthy
/// again, on a timeline that starts at a moment both app servers were given (a <see cref="Stopwatch"/> timestamp: the
/// system-wide monotonic clock), so that their outages coincide.
/// </summary>
internal static class OutageLoad
{
    // An answer counts as stale when the origin produced it longer ago than its time to live plus this: the products
    // store an answer a moment after the origin produced it, and count its time to live from then.
    private static readonly TimeSpan StoreGrace = TimeSpan.FromSeconds(1);

    private static double Micros(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMicroseconds, 1);

    public static async Task<OutageNodeResult> RunAsync(ICacheNode node, string prefix, int seed, long start, FailSafeSettings settings)
    {
        double SecondsSinceStart(long timestamp) => (double)(timestamp - start) / Stopwatch.Frequency;
        OutagePhase PhaseAt(long timestamp) => SecondsSinceStart(timestamp) switch
        {
            var s when s < settings.Healthy.TotalSeconds => OutagePhase.Before,
            var s when s < (settings.Healthy + settings.Outage).TotalSeconds => OutagePhase.Outage,
            _ => OutagePhase.After,
        };

        // More requests than the callers can make: each waits the think time after every request.
        var callers = settings.CallersPerNode;
        var stream = ZipfKeys.Create(callers * (int)(settings.Total / settings.ThinkTime + 2), settings.Keys, 1.0, settings.UniqueShare, seed);
        var answers = Enumerable.Range(0, 3).Select(_ => new int[4]).ToArray();
        var originCalls = new int[3];
        var outageOriginCalls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var outageErrors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var answeredBefore = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var errorKinds = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var (outageOriginCallsFirstTime, outageErrorsFirstTime) = (0, 0);
        var latencies = Enumerable.Range(0, callers).Select(_ => new List<double>(stream.Length / callers)).ToArray();
        var errorLatencies = Enumerable.Range(0, callers).Select(_ => new List<double>()).ToArray();
        var tag = prefix + "-fs";
        var end = start + (long)(settings.Total.TotalSeconds * Stopwatch.Frequency);
        var next = -1;

        var wait = SecondsSinceStart(Stopwatch.GetTimestamp());
        if (wait < 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(-wait));
        }

        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var id = stream[Interlocked.Increment(ref next)];
                var firstTime = id[0] == 'u';
                var started = Stopwatch.GetTimestamp();
                var phase = PhaseAt(started);
                var (produced, originFailed) = (0L, false);
                OutageAnswer answer;
                try
                {
                    var value = await node.GetOrCreateAsync($"{prefix}-{id}", tag, async ct =>
                    {
                        var callPhase = PhaseAt(Stopwatch.GetTimestamp());
                        Interlocked.Increment(ref originCalls[(int)callPhase]);
                        if (callPhase == OutagePhase.Outage)
                        {
                            if (firstTime)
                            {
                                Interlocked.Increment(ref outageOriginCallsFirstTime);
                            }
                            else
                            {
                                outageOriginCalls.AddOrUpdate(id, 1, (_, n) => n + 1);
                            }

                            originFailed = true;
                            await Task.Delay(settings.OriginFailure, ct);
                            throw new HttpRequestException("The model provider answered 503 (simulated outage).", null, HttpStatusCode.ServiceUnavailable);
                        }

                        await Task.Delay(settings.OriginMin + ((settings.OriginMax - settings.OriginMin) * Random.Shared.NextDouble()), ct);
                        produced = Stopwatch.GetTimestamp();
                        if (callPhase == OutagePhase.Before && !firstTime)
                        {
                            answeredBefore[id] = true;
                        }

                        // The moment the origin produced the answer travels with it, so that its age tells a stale one.
                        var textSeed = NodeServer.StableHash(id);
                        return produced.ToString(CultureInfo.InvariantCulture) + " " + LlmResponseText.Create(LlmResponseText.SizeFor(textSeed), textSeed);
                    });
                    latencies[caller].Add(Micros(started));
                    var producedAt = long.Parse(value.AsSpan(0, value.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
                    var age = Stopwatch.GetElapsedTime(producedAt);
                    answer = producedAt == produced ? OutageAnswer.Origin
                        : originFailed || age > settings.TimeToLive + StoreGrace ? OutageAnswer.Stale // its own call failed, yet it got an answer
                        : OutageAnswer.Hit;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    answer = OutageAnswer.Error;
                    errorLatencies[caller].Add(Micros(started));
                    errorKinds.AddOrUpdate($"{ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", 1, (_, n) => n + 1);
                    if (phase == OutagePhase.Outage)
                    {
                        if (firstTime)
                        {
                            Interlocked.Increment(ref outageErrorsFirstTime);
                        }
                        else
                        {
                            outageErrors.AddOrUpdate(id, 1, (_, n) => n + 1);
                        }
                    }
                }

                Interlocked.Increment(ref answers[(int)phase][(int)answer]);
                await Task.Delay(settings.ThinkTime);
            }
        })));

        return new OutageNodeResult(
            answers,
            originCalls,
            new Dictionary<string, int>(outageOriginCalls, StringComparer.Ordinal),
            outageOriginCallsFirstTime,
            new Dictionary<string, int>(outageErrors, StringComparer.Ordinal),
            outageErrorsFirstTime,
            [.. answeredBefore.Keys],
            [.. latencies.SelectMany(l => l)],
            [.. errorLatencies.SelectMany(l => l)],
            new Dictionary<string, int>(errorKinds, StringComparer.Ordinal));
    }
}
