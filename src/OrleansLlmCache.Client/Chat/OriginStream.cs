using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// A streaming request's origin call as a get-or-create factory: when this caller holds the key's lease, the factory
/// streams the origin's updates, passes each on to this caller as it arrives (<see cref="ReadLiveAsync"/>), and returns
/// the whole answer for the cache once the stream is complete.
/// </summary>
/// <param name="stream">The origin's stream for the request.</param>
/// <param name="store">The entry of a complete stream; throws <see cref="UncacheableResponseException"/> when it must not be stored.</param>
internal sealed class OriginStream(
    Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> stream,
    Func<List<ChatResponseUpdate>, CachedResponse> store)
{
    private readonly Channel<ChatResponseUpdate> _live = Channel.CreateUnbounded<ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>True once an update of the origin's stream has been passed on to this caller.</summary>
    public bool Streamed { get; private set; }

    /// <summary>Why the origin's stream failed, when it did.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The factory: runs only when this caller holds the lease (or the cluster cannot be reached).</summary>
    public async ValueTask<CachedResponse> CallAsync(CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        try
        {
            await foreach (var update in stream(cancellationToken).WithCancellation(cancellationToken))
            {
                updates.Add(update);
                _live.Writer.TryWrite(update);
            }
        }
        catch (Exception ex)
        {
            Failure = ex;
            throw;
        }
        finally
        {
            _live.Writer.TryComplete();
        }

        return store(updates);
    }

    /// <summary>
    /// The origin's updates as they arrive, while <paramref name="call"/> (the get-or-create that may run
    /// <see cref="CallAsync"/>) is under way; ends when the stream does, or when the call ends without this caller's
    /// factory having streamed (a hit, a coalesced or stale answer).
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> ReadLiveAsync(Task call, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _live.Reader;
        while (true)
        {
            var ready = reader.WaitToReadAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(ready, call) == call && !ready.IsCompleted)
            {
                _live.Writer.TryComplete(); // the factory did not run: nothing more will come
            }

            if (!await ready)
            {
                yield break;
            }

            while (reader.TryRead(out var update))
            {
                Streamed = true;
                yield return update;
            }
        }
    }
}
