namespace OrleansLlmCache.Core.Time;

/// <summary>
/// A cheap monotonic clock in milliseconds for checks made on every cache hit (L1 expiry, the invalidation lease).
/// On the system clock it reads <see cref="Environment.TickCount64"/> (cheaper than a precise clock read, which was a
/// large part of an L1 hit), which lags real time by up to one scheduler tick (1-16 ms): deadlines built
/// with <see cref="DeadlineIn"/> are therefore brought forward by <see cref="SafetyMargin"/>, so that a coarse reading
/// ends an entry or a lease early, never late. Any other <see cref="TimeProvider"/> (a fake one in tests) is read
/// through its own timestamps, with the same arithmetic. A monotonic clock does not move while the machine is suspended
/// (the wall clock does): <see cref="Invalidation.DependencyVersionTable.LeaseLapsedOnlyOnTheWallClock"/> lets the
/// lease renewal notice that.
/// </summary>
internal sealed class CoarseClock(TimeProvider time)
{
    /// <summary>How much earlier than asked a deadline falls: more than the coarse clock's lag.</summary>
    public const long SafetyMargin = 20;

    private readonly bool _system = ReferenceEquals(time, TimeProvider.System);

    /// <summary>Milliseconds on a monotonic scale of this process (only differences and comparisons mean anything).</summary>
    public long NowMilliseconds
    {
        get
        {
            if (_system)
            {
                return Environment.TickCount64;
            }

            // Split so that a provider counting 100 ns ticks since year 1 cannot overflow the multiplication.
            var (timestamp, frequency) = (time.GetTimestamp(), time.TimestampFrequency);
            return (timestamp / frequency * 1000) + (timestamp % frequency * 1000 / frequency);
        }
    }

    /// <summary>
    /// The reading of <see cref="NowMilliseconds"/> before which <paramref name="until"/> (an absolute time of the same
    /// provider) has surely not passed: <see cref="SafetyMargin"/> early. <see cref="long.MaxValue"/> for no deadline.
    /// </summary>
    public long DeadlineAt(DateTimeOffset? until)
    {
        if (until is not { } at)
        {
            return long.MaxValue;
        }

        // This clock first, the wall clock second: a pause between the two reads (preemption, a collection) then makes
        // the remaining time shorter and the deadline earlier, never later.
        var now = NowMilliseconds;
        return Deadline(now, at - time.GetUtcNow());
    }

    /// <summary>The reading of <see cref="NowMilliseconds"/> after <paramref name="remaining"/>, <see cref="SafetyMargin"/> early.</summary>
    public long DeadlineIn(TimeSpan remaining) => Deadline(NowMilliseconds, remaining);

    // TimeSpan.TotalMilliseconds stays within about 1e15, far from overflowing a long when added to a reading.
    private static long Deadline(long now, TimeSpan remaining) => now + (long)remaining.TotalMilliseconds - SafetyMargin;
}
