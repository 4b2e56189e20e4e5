using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Policies;

namespace OrleansLlmCache.Tests.Client;

/// <summary>Fail-safe settings that make no sense are refused at start-up, or at the write, naming the setting.</summary>
public sealed class FailSafeOptionsTests
{
    [Fact]
    public void NegativeOrTooLongDurations_AndANonPositiveThrottle_AreEachNamed()
    {
        var options = new LlmCacheOptions
        {
            FailSafeMaxDuration = TimeSpan.FromSeconds(-1),
            FailSafeThrottleDuration = TimeSpan.Zero,
            Policies = { ["content"] = new NamespacePolicy { FailSafeMaxDuration = TimeSpan.FromDays(400) } },
        };

        var result = new LlmCacheOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith("LlmCache:Client:FailSafeMaxDuration: The fail-safe duration must be between 0", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.StartsWith("LlmCache:Client:FailSafeThrottleDuration must be between 0 and 1 day", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.StartsWith("LlmCache:Client:Policies:content:FailSafeMaxDuration:", StringComparison.Ordinal));
    }

    [Fact]
    public void TheDefaults_AreOffWithAThirtySecondThrottle_AndValid()
    {
        var options = new LlmCacheOptions();
        Assert.Equal(TimeSpan.Zero, options.FailSafeMaxDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), options.FailSafeThrottleDuration);
        Assert.False(new LlmCacheOptionsValidator().Validate(null, options).Failed);
    }

    [Fact]
    public void TheSiloRefusesANegativeFailSafeOnAWrite()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EntryWriteOptions(TimeSpan.FromMinutes(1), FailSafe: TimeSpan.FromSeconds(-1)).Validate());
        Assert.Equal("failSafe", error.ParamName);
    }
}
