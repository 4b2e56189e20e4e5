namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>
/// Publishes merged into one broadcast of the invalidation hub (see <see cref="PublishQueue"/>): what the broadcast
/// carries, and the callers that all get its one result.
/// </summary>
internal sealed class PublishBatch(
    IReadOnlyDictionary<string, long> versions,
    IReadOnlyList<string> evictedEntries,
    IReadOnlyList<TaskCompletionSource<int>> callers)
{
    /// <summary>New dependency versions, the highest of each key among the batch's publishes.</summary>
    public IReadOnlyDictionary<string, long> Versions { get; } = versions;

    /// <summary>Entry keys to evict, each once, in the order they were published.</summary>
    public IReadOnlyList<string> EvictedEntries { get; } = evictedEntries;

    /// <summary>How many publishes the batch carries.</summary>
    public int PublishCount => callers.Count;

    /// <summary>Answers every publish of the batch with the number of subscribers that acknowledged its broadcast.</summary>
    public void Complete(int acknowledged)
    {
        foreach (var caller in callers)
        {
            caller.TrySetResult(acknowledged);
        }
    }

    /// <summary>Fails every publish of the batch.</summary>
    public void Fail(Exception exception)
    {
        foreach (var caller in callers)
        {
            caller.TrySetException(exception);
        }
    }
}
