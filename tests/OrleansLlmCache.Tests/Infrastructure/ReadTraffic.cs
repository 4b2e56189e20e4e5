using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>
/// A client reading entries round robin in the background while a test changes the cluster under it, counting reads
/// that answered, answers that were missing or wrong, and reads that failed.
/// </summary>
public sealed class ReadTraffic : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _reads;
    private int _wrong;
    private int _failures;

    /// <summary>Starts reading <paramref name="keys"/> through <paramref name="cache"/>; each should hold <paramref name="expected"/>.</summary>
    public ReadTraffic(ILlmCache cache, IReadOnlyList<CacheKey> keys, Func<CacheKey, string> expected)
    {
        _loop = Task.Run(async () =>
        {
            var i = 0;
            while (!_stop.IsCancellationRequested)
            {
                // L1 hits complete synchronously: without a yield now and then this loop would hold a thread-pool thread
                // for the whole test, which on two cores can starve the continuations of the client and of other tests.
                if ((i & 255) == 255)
                {
                    await Task.Yield();
                }

                var key = keys[i++ % keys.Count];
                try
                {
                    var entry = await cache.GetAsync(key);
                    Interlocked.Increment(ref _reads);
                    if (entry?.Response.Content != expected(key))
                    {
                        Interlocked.Increment(ref _wrong);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref _failures);
                }
            }
        });
    }

    /// <summary>Reads that answered.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Answers that were missing or not the expected content.</summary>
    public int Wrong => Volatile.Read(ref _wrong);

    /// <summary>Reads that threw.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Stops reading and waits for the last read to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
