using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Core.Time;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Tests.Client;

/// <summary>The app server's in-process layer on its own: bounds, expiry, versions, evictions.</summary>
public sealed class L1CacheTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly DependencyVersionTable _versions;
    private readonly L1Cache _l1;

    public L1CacheTests()
    {
        _versions = new DependencyVersionTable(null!, _time); // never asks the cluster in these tests
        _versions.TrustUntil(_time.GetUtcNow().AddHours(1));
        _l1 = new L1Cache(Options.Create(new LlmCacheOptions { L1SizeLimitBytes = 64 * 1024 }), _versions);
    }

    public void Dispose() => _l1.Dispose();

    [Fact]
    public async Task StaysWithinItsByteBudget_DroppingTheLeastRecentlyUsed()
    {
        var kept = Key(0);
        _l1.BeginFill(kept).Complete(Entry(1024));
        for (var i = 1; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.NotNull(_l1.TryGet(kept)); // read all along: the most recently used
            _l1.BeginFill(Key(i)).Complete(Entry(1024));
        }

        // Compaction runs on the thread pool, off the request that went over the budget.
        await Infrastructure.Eventually.WaitUntilAsync(() => _l1.Size <= 64 * 1024, TimeSpan.FromSeconds(10), () => $"L1 still holds {_l1.Size} bytes, over its 64 KiB budget, 10 s after it went over");

        Assert.InRange(_l1.Size, 1, 64 * 1024);
        Assert.InRange(_l1.Count, 2, 99);
        Assert.NotNull(_l1.TryGet(kept));
        Assert.NotNull(_l1.TryGet(Key(99))); // the newest survives too
        Assert.Null(_l1.TryGet(Key(1))); // among the least recently used
    }

    [Fact]
    public void Overwrite_CountsTheEntryOnce()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(1000));
        var one = _l1.Size;
        _l1.BeginFill(Key(1)).Complete(Entry(1000));
        _l1.BeginFill(Key(1)).Complete(Entry(1000));

        Assert.Equal(one, _l1.Size);
        Assert.Equal(1, _l1.Count);
        _l1.Remove(Key(1));
        Assert.Equal(0, _l1.Size);
    }

    [Fact]
    public void Expired_IsNotServedAndLeaves()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10, expiresIn: TimeSpan.FromSeconds(5)));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.NotNull(_l1.TryGet(Key(1)));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(_l1.TryGet(Key(1)));
        Assert.Equal(0, _l1.Count);
    }

    [Fact]
    public void AHit_SaysWhenTheEntryIsPastItsRefreshThreshold()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10, expiresIn: TimeSpan.FromSeconds(10)));
        _l1.BeginFill(Key(2)).Complete(Entry(10));

        _time.Advance(TimeSpan.FromSeconds(8.9));
        Assert.NotNull(_l1.TryGet(Key(1), 0.9, out var due));
        Assert.False(due);

        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.NotNull(_l1.TryGet(Key(1), 0.9, out due));
        Assert.True(due);
        Assert.NotNull(_l1.TryGet(Key(1), 0, out due));
        Assert.False(due); // no threshold: never due
        Assert.NotNull(_l1.TryGet(Key(2), 0.9, out due));
        Assert.False(due); // no expiry: never due
    }

    [Fact]
    public void BuiltAgainstAnOutdatedVersion_IsNotServed()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10, tagVersion: 1));
        Assert.NotNull(_l1.TryGet(Key(1)));

        _versions.Merge("acme/tag:docs", 2); // an invalidation of the tag
        Assert.Null(_l1.TryGet(Key(1)));
    }

    [Fact]
    public void AVersionOfAnotherDependency_KeepsItServed_AnInvalidationOfItsNamespaceStops()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10, tagVersion: 1));
        Assert.NotNull(_l1.TryGet(Key(1))); // verified: later hits skip the version lookups while nothing changes

        var generation = _versions.Generation;
        _versions.Merge("acme/tag:other", 7); // first seen: cannot outdate anything verified
        _versions.Merge("acme/tag:docs", 1); // the same version again
        Assert.Equal(generation, _versions.Generation);
        Assert.NotNull(_l1.TryGet(Key(1)));

        _versions.Apply(new InvalidationMessage(0, new Dictionary<string, long> { ["acme/ns:docs"] = 1 }, []));
        Assert.NotEqual(generation, _versions.Generation);
        Assert.Null(_l1.TryGet(Key(1)));
    }

    [Fact]
    public void TheLease_EndsEarlyByTheCoarseClocksMargin_NeverLate()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10));
        _versions.TrustUntil(_time.GetUtcNow().AddSeconds(1));

        _time.Advance(TimeSpan.FromMilliseconds(1000 - CoarseClock.SafetyMargin - 1));
        Assert.NotNull(_l1.TryGet(Key(1)));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(_l1.TryGet(Key(1)));
    }

    [Fact]
    public void TheSameIdInAnotherTenantOrNamespace_IsAnotherEntry()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10));

        Assert.Null(_l1.TryGet(new CacheKey("other", "docs", "k1")));
        Assert.Null(_l1.TryGet(new CacheKey("acme", "other", "k1")));
        Assert.NotNull(_l1.TryGet(new CacheKey("acme", "docs", "k1")));
    }

    [Fact]
    public void TheConfiguredScopeAndOthers_AreKeptApart_AndClearedTogether()
    {
        // The configured tenant and namespace ("default"/"default") are kept apart from the other scopes' entries.
        var home = new CacheKey("default", "default", "k1");
        _l1.BeginFill(home).Complete(Entry(10));
        _l1.BeginFill(Key(1)).Complete(Entry(20));

        Assert.Equal(10, _l1.TryGet(home)!.Response.Content.Length);
        Assert.Equal(20, _l1.TryGet(Key(1))!.Response.Content.Length);

        // The same scopes spelt with other string instances (equal text, not the same objects) find the same entries.
        Assert.NotNull(_l1.TryGet(new CacheKey(new string("default".AsSpan()), new string("default".AsSpan()), "k1")));
        Assert.NotNull(_l1.TryGet(new CacheKey(new string("acme".AsSpan()), new string("docs".AsSpan()), "k1")));

        _l1.Evict([home.ToGrainKey()]);
        Assert.Null(_l1.TryGet(home));
        Assert.NotNull(_l1.TryGet(Key(1)));

        _l1.BeginFill(home).Complete(Entry(10));
        _l1.Clear();
        Assert.Equal(0, _l1.Count);
        Assert.Equal(0, _l1.Size);
    }

    [Fact]
    public async Task Compaction_DropsTheLeastRecentlyUsed_AcrossScopes()
    {
        var kept = new CacheKey("default", "default", "kept");
        _l1.BeginFill(kept).Complete(Entry(1024));
        for (var i = 1; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.NotNull(_l1.TryGet(kept));
            _l1.BeginFill(i % 2 == 0 ? Key(i) : new CacheKey("other", "docs", $"k{i}")).Complete(Entry(1024));
        }

        await Infrastructure.Eventually.WaitUntilAsync(() => _l1.Size <= 64 * 1024, TimeSpan.FromSeconds(10), () => $"L1 still holds {_l1.Size} bytes, over its 64 KiB budget, 10 s after it went over");

        Assert.InRange(_l1.Size, 1, 64 * 1024);
        Assert.NotNull(_l1.TryGet(kept));
        Assert.NotNull(_l1.TryGet(new CacheKey("other", "docs", "k99")));
        Assert.Null(_l1.TryGet(Key(2))); // among the least recently used, in another scope than the newest
        Assert.Null(_l1.TryGet(new CacheKey("other", "docs", "k1")));
    }

    [Fact]
    public void AFlush_StopsAVerifiedEntry_EvenWithTheLeaseRenewedAtOnce()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10, tagVersion: 1));
        Assert.NotNull(_l1.TryGet(Key(1))); // verified at this generation

        _versions.Flush(); // a missed broadcast: nothing held may be trusted
        _versions.TrustUntil(_time.GetUtcNow().AddHours(1));

        Assert.Null(_l1.TryGet(Key(1)));
    }

    [Fact]
    public void ADefaultKey_Misses_WithoutThrowing()
    {
        Assert.Null(_l1.TryGet(default));
        Assert.Null(_l1.TryGet(new CacheKey("default", "default", null!))); // the configured scope, no id
        _l1.Remove(new CacheKey("default", "default", null!));
    }

    [Fact]
    public void AfterASuspend_TheLeaseLapsedOnTheWallClock_IsNoticed()
    {
        // A monotonic clock stands still while the machine sleeps; the wall clock, and the hub's view of our lease, do not.
        var time = new SuspendableTime(_time.GetUtcNow());
        var versions = new DependencyVersionTable(null!, time);
        versions.TrustUntil(time.GetUtcNow().AddSeconds(5));
        Assert.False(versions.LeaseLapsedOnlyOnTheWallClock);

        time.Sleep(TimeSpan.FromMinutes(1));

        Assert.True(versions.IsTrustedAt(versions.Clock.NowMilliseconds), "the hot path's coarse clock still trusts it");
        Assert.True(versions.LeaseLapsedOnlyOnTheWallClock, "which the lease renewal checks, and flushes");
        versions.Flush();
        Assert.False(versions.IsTrustedAt(versions.Clock.NowMilliseconds));
    }

    [Fact]
    public void Untrusted_ServesNothingAndKeepsNothing()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10, expiresIn: TimeSpan.FromHours(3)));
        _time.Advance(TimeSpan.FromHours(2)); // the hub lease ran out; the entry itself has not expired

        Assert.Null(_l1.TryGet(Key(1)));
        _l1.BeginFill(Key(2)).Complete(Entry(10, expiresIn: TimeSpan.FromHours(3)));
        Assert.Equal(1, _l1.Count);
    }

    [Fact]
    public void SetAfterAFlush_IsDropped()
    {
        var fill = _l1.BeginFill(Key(1));
        _versions.Flush();
        _versions.TrustUntil(_time.GetUtcNow().AddHours(1));

        fill.Complete(Entry(10));
        Assert.Null(_l1.TryGet(Key(1)));
    }

    [Fact]
    public void AnswerReadBeforeAnEviction_IsNotKept()
    {
        // The cluster's reply and the hub's eviction travel separately: the eviction of an overwritten entry may come first.
        var fill = _l1.BeginFill(Key(1));
        _l1.Evict([Key(1).ToGrainKey()]);

        fill.Complete(Entry(10));

        Assert.Null(_l1.TryGet(Key(1)));
        _l1.BeginFill(Key(1)).Complete(Entry(10)); // read after it: kept
        Assert.NotNull(_l1.TryGet(Key(1)));
    }

    [Fact]
    public void AnswerReadBeforeAFlush_LeavesNoVersionBehind()
    {
        var fill = _l1.BeginFill(Key(1));
        _versions.Flush(); // a missed broadcast
        _versions.TrustUntil(_time.GetUtcNow().AddHours(1)); // and the lease renewed at once

        fill.Complete(Entry(10, tagVersion: 1));

        Assert.Null(_l1.TryGet(Key(1)));
        Assert.False(_versions.IsCurrentLocally(new Dictionary<string, long> { ["acme/tag:docs"] = 1 }), "the old read must not vouch for version 1");
    }

    [Fact]
    public void EvictByGrainKey_RemovesThoseEntries_AndIgnoresMalformedKeys()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10));
        _l1.BeginFill(Key(2)).Complete(Entry(10));

        _l1.Evict([Key(1).ToGrainKey(), "not a key", "a/b/c/d"]);

        Assert.Null(_l1.TryGet(Key(1)));
        Assert.NotNull(_l1.TryGet(Key(2)));
    }

    [Fact]
    public void LargerThanTheWholeBudget_IsNotKept()
    {
        _l1.BeginFill(Key(1)).Complete(Entry(10));
        _l1.BeginFill(Key(2)).Complete(Entry(40 * 1024));

        Assert.Null(_l1.TryGet(Key(2)));
        Assert.NotNull(_l1.TryGet(Key(1)));
    }

    private static CacheKey Key(int i) => new("acme", "docs", $"k{i}");

    private CacheEntry Entry(int chars, TimeSpan? expiresIn = null, long tagVersion = 0)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal) { ["acme/ns:docs"] = 0 };
        if (tagVersion > 0)
        {
            versions["acme/tag:docs"] = tagVersion;
        }

        var now = _time.GetUtcNow();
        return new CacheEntry(new CachedResponse(new string('x', chars), "gpt-4"), now, now + (expiresIn ?? TimeSpan.FromHours(1)), 0, Versions: versions);
    }

    /// <summary>A clock whose timestamps (monotonic) stop while <see cref="Sleep"/> moves only the wall clock.</summary>
    private sealed class SuspendableTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        private readonly long _timestamp = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override DateTimeOffset GetUtcNow() => _now;

        public override long GetTimestamp() => _timestamp;

        public void Sleep(TimeSpan duration) => _now += duration;
    }
}
