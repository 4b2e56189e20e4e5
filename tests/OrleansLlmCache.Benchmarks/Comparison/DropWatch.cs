using System.Diagnostics;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// Watches one key that a node answers from its own memory and records when it stops doing so: the first read that does
/// not complete synchronously with a value (it had to leave the process, or found nothing). The time is a
/// <see cref="Stopwatch"/> timestamp, which on Linux is the system-wide monotonic clock, so the harness can compare it
/// with its own. The key is read about once a millisecond on a thread of its own: a tighter loop in 16 processes would
/// take the two cores from the silo being measured.
/// </summary>
internal sealed class DropWatch
{
    private readonly TaskCompletionSource<long> _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DropWatch()
    {
    }

    /// <summary>The timestamp of the first read that was not answered from memory.</summary>
    public Task<long> Dropped => _dropped.Task;

    /// <summary>Waits until <paramref name="node"/> answers <paramref name="key"/> from memory, then starts watching it.</summary>
    public static async Task<DropWatch> StartAsync(ICacheNode node, string key, TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (!await IsHeldAsync(node, key))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{key} was not answered from memory within {within.TotalSeconds:0} s.");
            }

            await Task.Delay(10);
        }

        var watch = new DropWatch();
        var thread = new Thread(() => watch.Poll(node, key, deadline + (long)(within.TotalSeconds * Stopwatch.Frequency))) { IsBackground = true, Name = "drop watch" };
        thread.Start();
        return watch;
    }

    private static async Task<bool> IsHeldAsync(ICacheNode node, string key)
    {
        var read = node.GetAsync(key);
        if (read.IsCompleted)
        {
            return read.Result is not null;
        }

        await read; // answered from the cluster: memory may hold it for the next try
        return false;
    }

    private void Poll(ICacheNode node, string key, long deadline)
    {
        try
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var read = node.GetAsync(key);
                var now = Stopwatch.GetTimestamp();
                if (!read.IsCompleted)
                {
                    _dropped.TrySetResult(now);
                    read.AsTask().GetAwaiter().GetResult(); // a read that left the process is finished before the thread ends
                    return;
                }

                if (read.Result is null)
                {
                    _dropped.TrySetResult(now);
                    return;
                }

                Thread.Sleep(1);
            }

            _dropped.TrySetException(new TimeoutException($"{key} was still answered from memory at the watch's deadline."));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _dropped.TrySetException(ex);
        }
    }
}
