using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Policies;

namespace OrleansLlmCache.Tests.Client;

/// <summary>
/// The eager-refresh, factory-timeout and jitter settings: refused at start-up naming the setting, refused per request
/// naming the option, resolved request first, then namespace, then app server; jitter spreads lifetimes within its bound.
/// </summary>
public sealed class RefreshAheadOptionsTests
{
    private static readonly CacheKey Key = new("acme", "docs", "k");

    [Fact]
    public void TheDefaults_AreOff_AndValid()
    {
        var options = new LlmCacheOptions();
        Assert.Null(options.EagerRefreshThreshold);
        Assert.Null(options.FactorySoftTimeout);
        Assert.Null(options.FactoryHardTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.BackgroundFactoryTimeout);
        Assert.Equal(TimeSpan.Zero, options.TimeToLiveJitter);
        Assert.False(new LlmCacheOptionsValidator().Validate(null, options).Failed);

        var resolve = new EntryOptionsResolver(options);
        Assert.Equal(0, resolve.RefreshThreshold(Key, null));
        Assert.Equal(new OriginPolicy(TimeSpan.Zero), resolve.Origin(Key, null));
    }

    [Fact]
    public void SettingsOutOfRange_AreEachNamed()
    {
        var options = new LlmCacheOptions
        {
            EagerRefreshThreshold = 1,
            FactorySoftTimeout = TimeSpan.FromSeconds(5),
            FactoryHardTimeout = TimeSpan.FromSeconds(5),
            BackgroundFactoryTimeout = TimeSpan.Zero,
            TimeToLiveJitter = TimeSpan.FromSeconds(-1),
            Policies = { ["content"] = new NamespacePolicy { EagerRefreshThreshold = double.NaN, TimeToLiveJitter = TimeSpan.FromDays(400) } },
        };

        AssertRefused(
            options,
            "EagerRefreshThreshold: The eager refresh threshold must be above 0 and below 1",
            "FactorySoftTimeout must be shorter than FactoryHardTimeout",
            "BackgroundFactoryTimeout must be above 0",
            "TimeToLiveJitter: The time-to-live jitter must be between 0",
            "Policies:content:EagerRefreshThreshold:",
            "Policies:content:TimeToLiveJitter:");
    }

    [Fact]
    public void FactoryTimeouts_MustBePositive_AtMostAnHour_AndLeaveTheBackgroundCallTime()
    {
        var options = new LlmCacheOptions { FactorySoftTimeout = TimeSpan.Zero, FactoryHardTimeout = TimeSpan.FromMinutes(3) };

        AssertRefused(options, "FactorySoftTimeout: A factory timeout must be above 0", "FactoryHardTimeout must be shorter than BackgroundFactoryTimeout");
        Assert.False(new LlmCacheOptionsValidator().Validate(null, new LlmCacheOptions { FactoryHardTimeout = Timeout.InfiniteTimeSpan }).Failed);
    }

    [Fact]
    public void TheRequestWins_ThenTheNamespace_ThenTheAppServer()
    {
        var options = new LlmCacheOptions
        {
            EagerRefreshThreshold = 0.9,
            FactorySoftTimeout = TimeSpan.FromSeconds(1),
            FactoryHardTimeout = TimeSpan.FromSeconds(10),
            Policies = { ["docs"] = new NamespacePolicy { EagerRefreshThreshold = 0.8 } },
        };
        var resolve = new EntryOptionsResolver(options);

        Assert.Equal(0.8, resolve.RefreshThreshold(Key, null));
        Assert.Equal(0.9, resolve.RefreshThreshold(new CacheKey("acme", "other", "k"), null));
        Assert.Equal(0.5, resolve.RefreshThreshold(Key, new LlmCacheEntryOptions { EagerRefreshThreshold = 0.5 }));
        Assert.Equal(0, resolve.RefreshThreshold(Key, new LlmCacheEntryOptions { EagerRefreshThreshold = 0 })); // off for the request

        var own = resolve.Origin(Key, new LlmCacheEntryOptions { FactorySoftTimeout = Timeout.InfiniteTimeSpan, FactoryHardTimeout = TimeSpan.FromSeconds(3) });
        Assert.Equal((null, TimeSpan.FromSeconds(3)), (own.SoftTimeout, own.HardTimeout));
        var inherited = resolve.Origin(Key, null);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), (inherited.SoftTimeout, inherited.HardTimeout));
    }

    [Fact]
    public void AFactoryBoundToItsCaller_IsNeverRefreshedNorTimedOut()
    {
        var resolve = new EntryOptionsResolver(new LlmCacheOptions { EagerRefreshThreshold = 0.9, FactoryHardTimeout = TimeSpan.FromSeconds(10) });
        var gateway = new LlmCacheEntryOptions { CallerBoundFactory = true, EagerRefreshThreshold = 0.5, FactorySoftTimeout = TimeSpan.FromSeconds(1) };

        Assert.Equal(0, resolve.RefreshThreshold(Key, gateway));
        Assert.Equal((null, null), (resolve.Origin(Key, gateway).SoftTimeout, resolve.Origin(Key, gateway).HardTimeout));
    }

    [Fact]
    public void ARequestsOwnSettingsOutOfRange_AreRefusedNamingTheOption()
    {
        var resolve = new EntryOptionsResolver(new LlmCacheOptions());

        var threshold = Assert.Throws<ArgumentOutOfRangeException>(() => resolve.RefreshThreshold(Key, new LlmCacheEntryOptions { EagerRefreshThreshold = 1.5 }));
        Assert.Equal(nameof(LlmCacheEntryOptions.EagerRefreshThreshold), threshold.ParamName);
        var timeout = Assert.Throws<ArgumentOutOfRangeException>(() => resolve.Origin(Key, new LlmCacheEntryOptions { FactoryHardTimeout = TimeSpan.FromSeconds(-2) }));
        Assert.Equal(nameof(LlmCacheEntryOptions.FactoryHardTimeout), timeout.ParamName);
    }

    [Fact]
    public void Jitter_AddsUpToItsBound_SpreadOverIt_AndOnlyToExpiringEntries()
    {
        var resolve = new EntryOptionsResolver(new LlmCacheOptions
        {
            TimeToLiveJitter = TimeSpan.FromMinutes(10),
            Policies = { ["docs"] = new NamespacePolicy { TimeToLiveJitter = TimeSpan.Zero } },
        });
        var other = new CacheKey("acme", "other", "k");

        var lifetimes = Enumerable.Range(0, 1000).Select(_ => resolve.WriteOptions(other, LlmCacheEntryOptions.Expiring(TimeSpan.FromHours(1))).TimeToLive!.Value).ToList();

        Assert.All(lifetimes, l => Assert.InRange(l, TimeSpan.FromHours(1), TimeSpan.FromHours(1) + TimeSpan.FromMinutes(10)));
        Assert.True(lifetimes.Distinct().Count() > 900, "every write draws its own");
        Assert.InRange(lifetimes.Average(l => (l - TimeSpan.FromHours(1)).TotalMinutes), 4, 6); // uniform over the bound
        Assert.Null(resolve.WriteOptions(other, LlmCacheEntryOptions.NeverExpire).TimeToLive);
        Assert.Equal(TimeSpan.FromHours(1), resolve.WriteOptions(Key, LlmCacheEntryOptions.Expiring(TimeSpan.FromHours(1))).TimeToLive); // the namespace turned it off
        Assert.Equal(TimeSpan.FromDays(365), resolve.WriteOptions(other, LlmCacheEntryOptions.Expiring(TimeSpan.FromDays(365))).TimeToLive); // never past the longest
    }

    // Each expected failure starts with the setting's name under LlmCache:Client.
    private static void AssertRefused(LlmCacheOptions options, params string[] expected)
    {
        var failures = new LlmCacheOptionsValidator().Validate(null, options).Failures!.ToList();
        Assert.All(expected, e => Assert.Contains(failures, f => f.StartsWith("LlmCache:Client:" + e, StringComparison.Ordinal)));
    }
}
