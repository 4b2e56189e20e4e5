namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The server processes a harness started (redis-server, PostgreSQL, silos), stopped newest first when the run ends and
/// also when the harness is stopped by a signal, which they would otherwise outlive. Node processes need no owner: they
/// exit by themselves when their stdin closes.
/// </summary>
internal sealed class OwnedChildren : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _children = [];

    public OwnedChildren() => AppDomain.CurrentDomain.ProcessExit += StopAll;

    /// <summary>Takes <paramref name="child"/> over, as soon as it is up, and returns it.</summary>
    public T Own<T>(T child)
        where T : IAsyncDisposable
    {
        lock (_children)
        {
            _children.Add(child);
        }

        return child;
    }

    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= StopAll;
        StopAll(null, EventArgs.Empty);
        return ValueTask.CompletedTask;
    }

    // Synchronous: ProcessExit gives no chance to await.
    private void StopAll(object? sender, EventArgs e)
    {
        lock (_children)
        {
            foreach (var child in Enumerable.Reverse(_children))
            {
                child.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(30));
            }

            _children.Clear();
        }
    }
}
