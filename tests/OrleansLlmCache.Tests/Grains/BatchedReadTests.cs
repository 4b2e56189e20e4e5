using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Grains.Entries;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Grains;

/// <summary>
/// Batched reads (<see cref="ClusterReadBatcher"/> and <see cref="IEntryReaderGrain"/>) answer exactly what the entry
/// grain would: the silo's index reads the snapshot each activation publishes with every change, so writes,
/// removals, invalidations and expiry show at once. These go through the batcher itself, past the client's L1.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class BatchedReadTests(ClusterFixture fixture)
{
    private ClusterReadBatcher Batcher => fixture.Cluster.Client.ServiceProvider.GetRequiredService<ClusterReadBatcher>();

    private SiloEntryIndex Index => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<SiloEntryIndex>();

    [Fact]
    public async Task ConcurrentReads_GoOutInBatches_AndEachCallerGetsItsOwnEntry()
    {
        var keys = Enumerable.Range(0, 200).Select(_ => TestKeys.Unique()).ToArray();
        foreach (var key in keys)
        {
            await fixture.Cache.SetAsync(key, new CachedResponse($"answer for {key.Id}", "gpt-4"));
        }

        var (batches, reads) = (Batcher.Batches, Batcher.Reads);
        var missing = keys.Append(TestKeys.Unique()).ToArray(); // one key nobody wrote, in the middle of the others
        var answers = await Task.WhenAll(missing.Select(k => Read(k)));

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal($"answer for {keys[i].Id}", answers[i]?.Response.Content);
        }

        Assert.Null(answers[^1]);
        Assert.Equal(reads + missing.Length, Batcher.Reads);
        Assert.True(Batcher.Batches - batches < missing.Length, $"{missing.Length} concurrent reads went out in {Batcher.Batches - batches} batches");
    }

    [Fact]
    public async Task TheClientMeter_CountsBatchedReadsAndBatches()
    {
        var key = TestKeys.Unique();
        await fixture.Cache.SetAsync(key, new CachedResponse("metered", "gpt-4"));
        var seen = new Dictionary<string, long>();
        // This client's meter only: other tests' app servers in this process have meters of the same name.
        var factory = fixture.Cluster.Client.ServiceProvider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == OrleansLlmCache.Client.Diagnostics.LlmCacheStatistics.MeterName
                && instrument.Name.StartsWith("llmcache.client.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen[instrument.Name] = value);
        listener.Start();

        var (reads, batches) = (Batcher.Reads, Batcher.Batches);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Read(key)));
        listener.RecordObservableInstruments();

        Assert.True(seen["llmcache.client.batched_reads"] >= reads + 20, $"batched reads on the meter: {seen["llmcache.client.batched_reads"]}");
        Assert.True(seen["llmcache.client.read_batches"] > batches, "batches on the meter");
        Assert.True(seen.ContainsKey("llmcache.client.reads_elsewhere"));
    }

    [Fact]
    public async Task LargeAnswers_TwoBatchesInFlight_StillGiveEachCallerItsOwnEntry()
    {
        // 20 KiB answers: after the first large batch the batcher keeps two in flight per reader.
        var keys = Enumerable.Range(0, 60).Select(_ => TestKeys.Unique()).ToArray();
        foreach (var key in keys)
        {
            await fixture.Cache.SetAsync(key, new CachedResponse(key.Id + new string('x', 20 * 1024), "gpt-4"));
        }

        for (var round = 0; round < 3; round++)
        {
            var answers = await Task.WhenAll(keys.Concat(keys).Select(k => Read(k)));
            for (var i = 0; i < answers.Length; i++)
            {
                Assert.StartsWith(keys[i % keys.Length].Id, answers[i]?.Response.Content, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task AnEntryHeldByTheSilo_IsAnsweredFromItsIndex_AndStopsTheMomentItIsRemovedOrInvalidated()
    {
        var tagged = TestKeys.Unique();
        var removed = TestKeys.Unique();
        await fixture.Cache.SetAsync(tagged, new CachedResponse("v1", "gpt-4"), new LlmCacheEntryOptions { Tags = ["batched-release"] });
        await fixture.Cache.SetAsync(removed, new CachedResponse("gone soon", "gpt-4"));

        await WaitUntilTheSiloCanVouchAsync();
        var served = Index.Served;
        Assert.Equal("v1", (await Read(tagged))?.Response.Content);
        Assert.Equal("gone soon", (await Read(removed))?.Response.Content);
        Assert.Equal(served + 2, Index.Served); // from the index, not from a grain call

        // An overwrite is seen at once: the activation publishes a new snapshot before the write returns.
        await fixture.Cache.SetAsync(tagged, new CachedResponse("v2", "gpt-4"), new LlmCacheEntryOptions { Tags = ["batched-release"] });
        Assert.Equal("v2", (await Read(tagged))?.Response.Content);

        await fixture.Cache.RemoveAsync(removed);
        Assert.Null(await Read(removed));

        await fixture.Cache.InvalidateTagAsync("batched-release", tagged.Tenant);
        Assert.Null(await Read(tagged));
    }

    [Fact]
    public async Task AnEntryBuiltAgainstAnOutdatedVersion_IsNotAnswered_EvenBeforeTheFanOutReachesIt()
    {
        var tag = "unvouched-" + Guid.NewGuid().ToString("N")[..8];
        var key = TestKeys.Unique();
        await fixture.Cache.SetAsync(key, new CachedResponse("checked", "gpt-4"), new LlmCacheEntryOptions { Tags = [tag] });
        await WaitUntilTheSiloCanVouchAsync();
        var served = Index.Served;
        Assert.NotNull(await Read(key));
        Assert.Equal(served + 1, Index.Served);

        // The silo's table now holds a newer version of the tag than the entry was built against, as when an
        // invalidation broadcast reaches the silo before its fan-out reaches the entry: the entry is outdated, and
        // neither the index nor the grain may answer it.
        var table = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<DependencyVersionTable>();
        table.Merge(DependencyKey.Tag(key.Tenant, tag), 1_000_000);
        Assert.Null(await Read(key));
        Assert.Equal(served + 1, Index.Served);
    }

    [Fact]
    public async Task AnExpiredEntry_IsNotAnswered_AndHitsAreCountedOnTheEntry()
    {
        var key = TestKeys.Unique();
        await fixture.Cache.SetAsync(key, new CachedResponse("short-lived", "gpt-4"), LlmCacheEntryOptions.Expiring(TimeSpan.FromMinutes(5)));

        Assert.Equal(1, (await Read(key))!.HitCount);
        Assert.Equal(2, (await Read(key))!.HitCount);
        Assert.Equal(3, (await fixture.Grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey()).GetAsync())!.HitCount);

        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await Read(key));
    }

    [Fact]
    public async Task ADeactivatedEntry_LeavesTheIndex_AndIsReadFromStorageAgain()
    {
        var key = TestKeys.Unique();
        await fixture.Cache.SetAsync(key, new CachedResponse("durable", "gpt-4"));
        Assert.True(Index.Holds(key.ToGrainKey()));

        await fixture.Grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey()).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.WaitUntilAsync(() => !Index.Holds(key.ToGrainKey()), TimeSpan.FromSeconds(10), () => "the deactivated entry is still in the silo's index");

        var entry = await Read(key);
        Assert.Equal("durable", entry?.Response.Content);
        Assert.True(entry!.LoadedFromStorage);
        Assert.True(Index.Holds(key.ToGrainKey()));
    }

    [Fact]
    public async Task Reader_RefusesTooManyKeys_NullKeys_AndMalformedKeys_SayingWhatWasWrong()
    {
        var reader = fixture.Grains.GetGrain<IEntryReaderGrain>("test-reader");

        var tooMany = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await reader.GetManyAsync([.. Enumerable.Range(0, LlmCacheLimits.MaxKeysPerRead + 1).Select(i => $"tests/tests/{i}")]));
        Assert.Contains($"at most {LlmCacheLimits.MaxKeysPerRead} keys", tooMany.Message, StringComparison.Ordinal);

        var nullKey = await Assert.ThrowsAsync<ArgumentException>(async () => await reader.GetManyAsync(["tests/tests/a", null!]));
        Assert.Contains("null key", nullKey.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<ArgumentException>(async () => await reader.GetManyAsync(["not a key"]));

        var empty = await reader.GetManyAsync([]);
        Assert.Empty(empty.Entries);
    }

    // The index answers only while the silo's version table is trusted (its lease with the invalidation hub is
    // renewed every 250 ms here); on a loaded machine a renewal can come late, and the grain answers instead.
    private Task WaitUntilTheSiloCanVouchAsync()
    {
        var table = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<DependencyVersionTable>();
        return Eventually.WaitUntilAsync(() => table.IsTrusted, TimeSpan.FromSeconds(30), () => "the silo's version table was not trusted within 30 s");
    }

    // A caller the batcher lost fails the test instead of hanging it.
    private Task<CacheEntry?> Read(CacheKey key) => Batcher.Read(key.ToGrainKey()).WaitAsync(TimeSpan.FromSeconds(30));
}
