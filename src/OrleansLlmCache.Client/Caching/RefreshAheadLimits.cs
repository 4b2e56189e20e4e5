using System.Globalization;
using OrleansLlmCache.Abstractions;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The ranges of the eager-refresh, factory-timeout and jitter settings, checked alike at start-up (by
/// <see cref="LlmCacheOptionsValidator"/>, which names the setting) and per request (an <see cref="ArgumentException"/>
/// naming the option).
/// </summary>
internal static class RefreshAheadLimits
{
    /// <summary>The longest factory timeout: an origin call past an hour is not a call anybody waits for.</summary>
    public static readonly TimeSpan MaxFactoryTimeout = TimeSpan.FromHours(1);

    /// <summary>A share of an entry's lifetime above 0 and below 1, or none; a request may also say 0 (off for it).</summary>
    public static void ValidateThreshold(double? threshold, string name, bool zeroTurnsOff = false)
    {
        if (threshold is { } value && !(zeroTurnsOff && value == 0) && !(double.IsFinite(value) && value is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(
                name,
                value,
                string.Create(CultureInfo.InvariantCulture, $"The eager refresh threshold must be above 0 and below 1 (the share of an entry's lifetime after which a hit refreshes it){(zeroTurnsOff ? ", or 0 for none" : string.Empty)}; got {value}."));
        }
    }

    /// <summary>None (<see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/>), or above 0 and at most an hour.</summary>
    public static void ValidateFactoryTimeout(TimeSpan? timeout, string name)
    {
        if (timeout is { } value && value != Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value > MaxFactoryTimeout))
        {
            throw new ArgumentOutOfRangeException(name, value, $"A factory timeout must be above 0 and at most {MaxFactoryTimeout.TotalHours:0} hour, or none; got {value}.");
        }
    }

    /// <summary>Between 0 (off) and the longest time to live.</summary>
    public static void ValidateJitter(TimeSpan? jitter, string name)
    {
        if (jitter is { } value && (value < TimeSpan.Zero || value > LlmCacheLimits.MaxTimeToLive))
        {
            throw new ArgumentOutOfRangeException(name, value, $"The time-to-live jitter must be between 0 (off) and {LlmCacheLimits.MaxTimeToLive.TotalDays:0} days; got {value}.");
        }
    }

    /// <summary>A timeout that is set (neither <see langword="null"/> nor infinite), or <see langword="null"/>.</summary>
    public static TimeSpan? Set(TimeSpan? timeout) => timeout == Timeout.InfiniteTimeSpan ? null : timeout;
}
