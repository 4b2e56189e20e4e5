using System.Globalization;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// How an app server of a contender stores its entries: their time to live and fail-safe (a zero
/// <see cref="FailSafeMaxDuration"/>: off). Set on the app server as a whole, where both products' documentation puts it,
/// and handed to its node process on the command line.
/// </summary>
internal sealed record CacheEntrySetup(TimeSpan TimeToLive, TimeSpan FailSafeMaxDuration, TimeSpan FailSafeThrottleDuration)
{
    /// <summary>The comparison's: entries live an hour, no fail-safe; the throttle is both products' default.</summary>
    public static CacheEntrySetup Default { get; } = new(TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.FromSeconds(30));

    public bool FailSafe => FailSafeMaxDuration > TimeSpan.Zero;

    /// <summary>The node process's arguments that <see cref="Parse"/> reads back: milliseconds.</summary>
    public string[] ToArguments() => [.. new[] { TimeToLive, FailSafeMaxDuration, FailSafeThrottleDuration }.Select(t => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture))];

    /// <summary>The setup <see cref="ToArguments"/> wrote, or <see cref="Default"/> when there are no arguments.</summary>
    public static CacheEntrySetup Parse(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0)
        {
            return Default;
        }

        TimeSpan At(int index) => TimeSpan.FromMilliseconds(long.Parse(arguments[index], CultureInfo.InvariantCulture));
        return new CacheEntrySetup(At(0), At(1), At(2));
    }
}
