using Microsoft.Extensions.Time.Testing;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Grains.Entries;

namespace OrleansLlmCache.Tests.Grains;

/// <summary>
/// What the silo's index reads of an entry (<see cref="HeldEntry"/>, <see cref="EntrySnapshot"/>): whole snapshots,
/// each with the hits served from it, whatever the activation publishes meanwhile on another thread.
/// </summary>
public sealed class HeldEntryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly DependencyVersionTable _versions;

    public HeldEntryTests()
    {
        _versions = new DependencyVersionTable(null!, _time); // never asks the cluster in these tests
        _versions.TrustUntil(_time.GetUtcNow() + TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task HitsFromManyThreads_AreEachCountedOnce_OnTopOfTheSavedCount()
    {
        var held = new HeldEntry();
        held.Publish(EntrySnapshot.Of(State("counted", savedHits: 100), loadedFromStorage: true));
        const int Threads = 4, HitsPerThread = 20_000;

        var served = await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            var entries = new List<CacheEntry>(HitsPerThread);
            for (var i = 0; i < HitsPerThread; i++)
            {
                entries.Add(held.ServeLocally(_time.GetUtcNow(), _versions) ?? throw new InvalidOperationException("a live entry was not served"));
            }

            return entries;
        })));

        var all = served.SelectMany(e => e).ToList();
        Assert.Equal(Enumerable.Range(101, Threads * HitsPerThread).Select(h => (long)h), all.Select(e => e.HitCount).Order());
        Assert.Equal(101, Assert.Single(all, e => e.LoadedFromStorage).HitCount); // the first hit, and only it, came from storage
        Assert.Equal(Threads * HitsPerThread, held.Current.UnsavedHits);
    }

    [Fact]
    public async Task AReader_NeverSeesAHalfChangedEntry_NorAHitCountOfAnotherOne()
    {
        // Each version of the entry says its number in every field; its saved hit count is a billion times it. A reader
        // that mixed two versions, or counted its hit on another version than it served, would see numbers disagree.
        var held = new HeldEntry();
        held.Publish(EntrySnapshot.Of(Version(0), loadedFromStorage: false));
        using var stop = new CancellationTokenSource();
        const int Versions = 2_000;

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var reads = 0L;
            do
            {
                var entry = held.ServeLocally(_time.GetUtcNow(), _versions) ?? throw new InvalidOperationException("a live entry was not served");
                var n = int.Parse(entry.Response.Content, System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal($"model-{n}", entry.Response.Model);
                Assert.Equal([$"tag-{n}"], entry.Tags);
                Assert.Equal(n, Assert.Single(entry.Versions!).Value);
                Assert.Equal(n, entry.ExpiresAt!.Value.Year - 2027);
                Assert.InRange(entry.HitCount, n * 1_000_000_000L + 1, n * 1_000_000_000L + 999_999_999);
                reads++;
            }
            while (!stop.IsCancellationRequested);

            return reads;
        })).ToArray();

        for (var n = 1; n <= Versions; n++)
        {
            held.Publish(EntrySnapshot.Of(Version(n), loadedFromStorage: false));
            await Task.Yield();
        }

        await stop.CancelAsync();
        Assert.All(await Task.WhenAll(readers), reads => Assert.True(reads > 0, "a reader ran"));
        Assert.Equal("2000", held.Snapshot.Entry!.Response.Content);
    }

    [Fact]
    public void ASnapshot_KeepsWhatTheStateHeld_WhenTheStateChangesAfterwards()
    {
        var state = State("kept", savedHits: 7);
        var snapshot = EntrySnapshot.Of(state, loadedFromStorage: false);

        state.HitCount = 1_000;
        state.Tags.Add("added later");
        state.Dependencies.Add("added later");
        state.Versions["tag:added-later"] = 1;
        state.ExpiresAt = _time.GetUtcNow();

        var entry = snapshot.Entry!;
        Assert.Equal(7, entry.HitCount);
        Assert.Equal(["tag"], entry.Tags);
        Assert.Equal(["dependency"], entry.Dependencies);
        Assert.Equal(["v"], entry.Versions!.Keys);
        Assert.False(snapshot.IsExpired(_time.GetUtcNow()));
    }

    [Fact]
    public void AHit_OnASnapshotReplacedMeanwhile_IsNotCounted_OnTheNewOne()
    {
        var held = new HeldEntry();
        var first = EntrySnapshot.Of(State("first", savedHits: 0), loadedFromStorage: false);
        held.Publish(first);
        held.Publish(EntrySnapshot.Of(State("second", savedHits: 0), loadedFromStorage: false));

        Assert.Null(held.Serve(first));
        Assert.Equal(0, held.Current.UnsavedHits);
        Assert.Equal(1, held.Serve(held.Snapshot)!.HitCount);
    }

    [Fact]
    public void NothingStored_Expired_OrNotVouchedFor_IsNotServed_NorCounted()
    {
        var held = new HeldEntry();
        Assert.Null(held.ServeLocally(_time.GetUtcNow(), _versions)); // nothing published yet
        Assert.Same(EntrySnapshot.Empty, EntrySnapshot.Of(new CacheEntryState(), loadedFromStorage: true));

        var expiring = State("expiring", savedHits: 0);
        expiring.ExpiresAt = _time.GetUtcNow() + TimeSpan.FromMinutes(1);
        held.Publish(EntrySnapshot.Of(expiring, loadedFromStorage: false));
        Assert.NotNull(held.ServeLocally(_time.GetUtcNow(), _versions));
        Assert.Null(held.ServeLocally(_time.GetUtcNow() + TimeSpan.FromMinutes(1), _versions));

        // The silo's table holds a newer version than the entry was built against: only the grain may decide.
        held.Publish(EntrySnapshot.Of(State("outdated", savedHits: 0), loadedFromStorage: false));
        _versions.Merge("v", 2);
        Assert.Null(held.ServeLocally(_time.GetUtcNow(), _versions));
        Assert.Equal(0, held.Current.UnsavedHits);
    }

    private CacheEntryState State(string content, long savedHits)
    {
        _versions.Merge("v", 1);
        return new CacheEntryState
        {
            Response = new CachedResponse(content, "gpt-4"),
            CreatedAt = _time.GetUtcNow(),
            HitCount = savedHits,
            Tags = ["tag"],
            Dependencies = ["dependency"],
            Versions = new(StringComparer.Ordinal) { ["v"] = 1 },
        };
    }

    private CacheEntryState Version(int n)
    {
        _versions.Merge($"v{n}", n);
        return new CacheEntryState
        {
            Response = new CachedResponse(n.ToString(System.Globalization.CultureInfo.InvariantCulture), $"model-{n}"),
            CreatedAt = _time.GetUtcNow(),
            ExpiresAt = new DateTimeOffset(2027 + n, 1, 1, 0, 0, 0, TimeSpan.Zero),
            HitCount = n * 1_000_000_000L,
            Tags = [$"tag-{n}"],
            Versions = new(StringComparer.Ordinal) { [$"v{n}"] = n },
        };
    }
}
