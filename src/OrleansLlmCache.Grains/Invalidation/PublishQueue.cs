namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>
/// Publishes waiting for the invalidation hub's next broadcast, in the order they arrived. The hub takes them out as
/// batches (<see cref="TakeBatch"/>), one broadcast each. Not thread-safe: only the hub's activation uses it, on its own
/// scheduler.
/// </summary>
internal sealed class PublishQueue(int maxChangesPerBatch)
{
    private readonly Queue<Waiting> _waiting = new();

    /// <summary>Whether no publish is waiting.</summary>
    public bool IsEmpty => _waiting.Count == 0;

    /// <summary>Queues a publish; the task completes with the result of the broadcast that carries it.</summary>
    public Task<int> Add(IReadOnlyDictionary<string, long> versions, IReadOnlyList<string> evictedEntries)
    {
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(evictedEntries);

        // Completed from the hub's broadcast loop: the callers' continuations must not run inside it.
        var caller = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Enqueue(new Waiting(versions, evictedEntries, caller));
        return caller.Task;
    }

    /// <summary>
    /// Takes the oldest waiting publishes whose changes (versions plus evictions) fit in <c>maxChangesPerBatch</c>, and
    /// at least one however large: a publish is never split, so its versions and evictions arrive in one message.
    /// Versions of one key are merged by their maximum (versions only grow, and subscribers keep the highest), evictions
    /// by union. Throws when nothing is waiting.
    /// </summary>
    public PublishBatch TakeBatch()
    {
        if (IsEmpty)
        {
            throw new InvalidOperationException("No publish is waiting.");
        }

        var first = _waiting.Dequeue();
        if (IsEmpty || Changes(first) + Changes(_waiting.Peek()) > maxChangesPerBatch)
        {
            // Alone in its batch (the common case at low load): its own collections go out as they came.
            return new PublishBatch(first.Versions, first.EvictedEntries, [first.Caller]);
        }

        var versions = new Dictionary<string, long>(first.Versions, StringComparer.Ordinal);
        var evicted = new List<string>(first.EvictedEntries);
        var seen = new HashSet<string>(first.EvictedEntries, StringComparer.Ordinal);
        var callers = new List<TaskCompletionSource<int>> { first.Caller };
        var changes = Changes(first);
        while (_waiting.TryPeek(out var next) && changes + Changes(next) <= maxChangesPerBatch)
        {
            _waiting.Dequeue();
            changes += Changes(next);
            foreach (var (key, version) in next.Versions)
            {
                versions[key] = versions.TryGetValue(key, out var merged) ? Math.Max(merged, version) : version;
            }

            evicted.AddRange(next.EvictedEntries.Where(seen.Add));
            callers.Add(next.Caller);
        }

        return new PublishBatch(versions, evicted, callers);
    }

    private static int Changes(Waiting publish) => publish.Versions.Count + publish.EvictedEntries.Count;

    private sealed record Waiting(IReadOnlyDictionary<string, long> Versions, IReadOnlyList<string> EvictedEntries, TaskCompletionSource<int> Caller);
}
