using OrleansLlmCache.Grains.Invalidation;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>How the invalidation hub merges waiting publishes into one broadcast, and how far.</summary>
public sealed class PublishQueueTests
{
    [Fact]
    public async Task WaitingPublishes_AreMergedIntoOneBatch_VersionsByMaximum_EvictionsOnce_AndEveryCallerGetsItsResult()
    {
        var queue = new PublishQueue(maxChangesPerBatch: 100);
        var first = queue.Add(Versions(("t/tag:a", 3), ("t/tag:b", 1)), ["t/ns/1"]);
        var second = queue.Add(Versions(("t/tag:a", 2), ("t/dep:c", 5)), ["t/ns/2", "t/ns/1"]);
        var third = queue.Add(Versions(), ["t/ns/3"]);

        var batch = queue.TakeBatch();

        Assert.True(queue.IsEmpty);
        Assert.Equal(3, batch.PublishCount);
        Assert.Equal(Versions(("t/tag:a", 3), ("t/tag:b", 1), ("t/dep:c", 5)), batch.Versions);
        Assert.Equal(["t/ns/1", "t/ns/2", "t/ns/3"], batch.EvictedEntries);
        batch.Complete(4);
        var results = await Task.WhenAll(first, second, third);
        Assert.Equal([4, 4, 4], results);
    }

    [Fact]
    public async Task AFailedBatch_FailsEveryCallerInIt_AndNoOther()
    {
        var queue = new PublishQueue(maxChangesPerBatch: 2);
        var first = queue.Add(Versions(), ["a"]);
        var second = queue.Add(Versions(), ["b"]);
        var later = queue.Add(Versions(), ["c"]);

        queue.TakeBatch().Fail(new InvalidOperationException("storage refused the write"));

        Assert.Equal("storage refused the write", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.False(later.IsCompleted);
        queue.TakeBatch().Complete(1);
        Assert.Equal(1, await later);
    }

    [Fact]
    public void ABatch_NeverCarriesMoreChangesThanTheBound_ExceptOnePublishLargerThanIt_WhichIsNotSplit()
    {
        var queue = new PublishQueue(maxChangesPerBatch: 10);
        queue.Add(Versions(("k", 1)), Keys("a", 6));   // 7 changes
        queue.Add(Versions(), Keys("b", 3));           // 3: fits with the first (10)
        queue.Add(Versions(), Keys("c", 25));          // larger than the bound: alone, whole
        queue.Add(Versions(("k", 2)), Keys("d", 4));   // 5
        queue.Add(Versions(), Keys("e", 6));           // 6: 11 with the one before, so a batch of its own

        var batches = new List<PublishBatch>();
        while (!queue.IsEmpty)
        {
            batches.Add(queue.TakeBatch());
        }

        Assert.Equal([2, 1, 1, 1], batches.Select(b => b.PublishCount));
        Assert.Equal([10, 25, 5, 6], batches.Select(b => b.Versions.Count + b.EvictedEntries.Count));

        // In arrival order: a later batch never carries what was published before an earlier batch's content.
        Assert.Equal([.. Keys("a", 6), .. Keys("b", 3), .. Keys("c", 25), .. Keys("d", 4), .. Keys("e", 6)], batches.SelectMany(b => b.EvictedEntries));
    }

    [Fact]
    public void TakingFromAnEmptyQueue_IsAnError()
    {
        var queue = new PublishQueue(maxChangesPerBatch: 10);

        Assert.True(queue.IsEmpty);
        Assert.Throws<InvalidOperationException>(queue.TakeBatch);
    }

    private static Dictionary<string, long> Versions(params (string Key, long Version)[] versions) =>
        versions.ToDictionary(v => v.Key, v => v.Version, StringComparer.Ordinal);

    private static List<string> Keys(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];
}
