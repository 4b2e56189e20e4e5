using Microsoft.Extensions.Time.Testing;
using OrleansLlmCache.Core.Time;

namespace OrleansLlmCache.Tests.Abstractions;

/// <summary>The cheap clock of the hit path: milliseconds on any provider, deadlines early by its margin.</summary>
public sealed class CoarseClockTests
{
    [Fact]
    public void OnAFakeProvider_CountsItsMilliseconds_WithoutOverflowingOnRealDates()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        var clock = new CoarseClock(time);

        var before = clock.NowMilliseconds;
        time.Advance(TimeSpan.FromMilliseconds(1234));

        Assert.True(before > 0, "a timestamp counted since year 1 in 100 ns ticks must not overflow to a negative");
        Assert.Equal(1234, clock.NowMilliseconds - before);
    }

    [Fact]
    public void Deadlines_FallTheSafetyMarginEarly_AndNoExpiryIsNever()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        var clock = new CoarseClock(time);

        Assert.Equal(clock.NowMilliseconds + 5000 - CoarseClock.SafetyMargin, clock.DeadlineAt(time.GetUtcNow().AddSeconds(5)));
        Assert.Equal(clock.NowMilliseconds - 1000 - CoarseClock.SafetyMargin, clock.DeadlineIn(TimeSpan.FromSeconds(-1)));
        Assert.Equal(long.MaxValue, clock.DeadlineAt(null));
    }

    [Fact]
    public async Task OnTheSystemProvider_MovesWithRealTime()
    {
        var clock = new CoarseClock(TimeProvider.System);

        var before = clock.NowMilliseconds;
        await Task.Delay(100);

        // Coarse: it may lag by a scheduler tick, which the safety margin covers.
        Assert.InRange(clock.NowMilliseconds - before, 100 - CoarseClock.SafetyMargin, 10_000);
    }
}
