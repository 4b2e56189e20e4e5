using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// Sends the cluster reads of all concurrent callers as one message per silo, the way StackExchange.Redis pipelines
/// every caller's command over one connection: each <see cref="ReaderChannel"/> has one batch in flight (two while
/// answers are large), and callers that arrive meanwhile go out together in the next one. Without it every read is its own Orleans request, and on a
/// loaded app server the per-message work and thread handoffs, not the lookup, set the latency.
/// </summary>
/// <remarks>
/// <para>
/// A batch goes to an <see cref="IEntryReaderGrain"/> of this app server's own, activated on the gateway silo its
/// calls arrive at, which answers from the entries that silo's activations hold and asks the entry grain for the rest.
/// The client cannot choose a gateway, only a grain key: every reader key is pinned to one gateway connection by the
/// Orleans client, so the batcher keeps several reader keys, learns from each answer which silo is behind it, and
/// keeps a bounded map of hints from keys to the silo holding them. A key without a hint goes to the reader its hash
/// picks, and an entry nobody holds yet activates there. A wrong or missing hint costs one silo-to-silo call, never a
/// wrong answer: every read, local or not, is answered by the same checks as <see cref="ICacheEntryGrain.GetAsync"/>.
/// </para>
/// <para>
/// Every caller gets its own timeout and cancellation; a batch that fails fails only its own callers, and a key whose
/// read failed on the silo (<see cref="EntryReadBatch.Failures"/>) fails only its own caller, never as a miss.
/// </para>
/// </remarks>
internal sealed class ClusterReadBatcher
{
    // Enough reader keys to find every silo of a small cluster at the first try (the Orleans client gives each new key
    // the next gateway, round-robin); more are opened when a hint names a silo none of them reaches.
    private const int InitialReaders = 4;
    private const int MaxReaders = 32;
    private const int MaxKeysPerBatch = 256;

    // One batch in flight gathers the most callers per message, which is what small answers need: their cost is per
    // message. Large answers cost per byte, in serializing on the silo and reading on the client, and with one batch
    // in flight the two take turns; a second batch lets them overlap. Judged by the largest answer of a batch, so that
    // many small answers do not count as a large one.
    private const int LargeAnswerChars = 8 * 1024;
    private const int MaxHints = 100_000;

    private readonly IGrainFactory _grains;
    private readonly TimeSpan _timeout;
    private readonly ConcurrentDictionary<string, SiloAddress> _hints = new(StringComparer.Ordinal);
    private readonly Lock _growLock = new();
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private ReaderSet? _readers;
    private int _hintCount;
    private long _batches;
    private long _reads;
    private long _readElsewhere;

    public ClusterReadBatcher(IGrainFactory grains, IOptions<LlmCacheOptions> options, IMeterFactory meterFactory)
    {
        _grains = grains;
        _timeout = options.Value.OperationTimeout;

        // On the client's meter, for operators: reads per batch is how much batching saves.
        var meter = meterFactory.Create(Diagnostics.LlmCacheStatistics.MeterName);
        meter.CreateObservableCounter("llmcache.client.batched_reads", () => Reads, "{read}", "Cluster reads sent in batches (reads L1 could not answer).");
        meter.CreateObservableCounter("llmcache.client.read_batches", () => Batches, "{batch}", "Batches those reads went out in: one message each.");
        meter.CreateObservableCounter(
            "llmcache.client.reads_elsewhere", () => ReadElsewhere, "{read}", "Batched reads answered by another silo than the one asked (before the client learned where the entry lives).");
    }

    /// <summary>Batches answered so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Keys read in answered batches so far.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Keys whose answer came from another silo than the reader's: reads a hint will send straight there next time.</summary>
    public long ReadElsewhere => Interlocked.Read(ref _readElsewhere);

    /// <summary>Whether any reader has answered yet: until then a failed batch may just be a cold cluster's first.</summary>
    public bool HasAnswered => Interlocked.Read(ref _batches) > 0;

    /// <summary>Reader keys in use.</summary>
    public int Readers => Volatile.Read(ref _readers)?.All.Length ?? 0;

    /// <summary>Reads the live entry of <paramref name="grainKey"/> (or null) together with other callers' keys.</summary>
    public Task<CacheEntry?> Read(string grainKey)
    {
        var readers = Volatile.Read(ref _readers) ?? Open();
        return Route(readers, grainKey).Enqueue(grainKey);
    }

    // Grain references can only be made once the client knows the cluster's grain types, so not at construction.
    private ReaderSet Open()
    {
        lock (_growLock)
        {
            if (_readers is { } opened)
            {
                return opened;
            }

            var readers = new ReaderSet([.. Enumerable.Range(0, InitialReaders).Select(NewChannel)]);
            Volatile.Write(ref _readers, readers);
            return readers;
        }
    }

    private ReaderChannel Route(ReaderSet readers, string grainKey)
    {
        if (!_hints.IsEmpty && _hints.TryGetValue(grainKey, out var holder))
        {
            if (readers.For(holder) is { } hinted)
            {
                return hinted;
            }

            // None of our readers has reached that silo yet: open one more (the client pins it to its next gateway).
            // When none can be opened now, forget the hint rather than ask again on every read of the key.
            var grown = Grow(readers);
            if (grown == readers)
            {
                ForgetHint(grainKey, holder);
            }

            readers = grown;
        }

        return readers.ByHash(grainKey);
    }

    private ReaderSet Grow(ReaderSet seen)
    {
        lock (_growLock)
        {
            var current = _readers!;
            if (current != seen || current.All.Length >= MaxReaders || current.All.Any(c => c.Silo is null))
            {
                return current; // another caller grew it, it is full, or a reader has not answered yet
            }

            var grown = new ReaderSet([.. current.All, NewChannel(current.All.Length)]);
            Volatile.Write(ref _readers, grown);
            return grown;
        }
    }

    // A reader answered from another silo than before (its first answer, or its gateway changed): route again. Under
    // the lock, so that a ReaderSet is built from silos that do not change meanwhile.
    private void Moved(ReaderChannel channel, SiloAddress silo)
    {
        lock (_growLock)
        {
            channel.Silo = silo;
            Volatile.Write(ref _readers, new ReaderSet(_readers!.All));
        }
    }

    // Keys of this process alone: another app server's reader with the same key would live on that one's gateway.
    private ReaderChannel NewChannel(int index) => new(this, _grains.GetGrain<IEntryReaderGrain>($"{_instance}/{index}"));

    private void Learn(ReaderChannel channel, string[] keys, EntryReadBatch batch)
    {
        if (!batch.Silo.Equals(channel.Silo))
        {
            Moved(channel, batch.Silo);
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _reads, keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            var elsewhere = batch.HeldElsewhere?[i];
            if (elsewhere is not null)
            {
                Interlocked.Increment(ref _readElsewhere);
                RememberHint(keys[i], elsewhere);
            }
            else if (!_hints.IsEmpty && _hints.TryGetValue(keys[i], out var hinted))
            {
                if (batch.Entries[i] is null)
                {
                    ForgetHint(keys[i], hinted); // nothing live to find: a hint for a miss only steers the next read of it
                }
                else if (!hinted.Equals(batch.Silo))
                {
                    _hints[keys[i]] = batch.Silo; // the entry moved here since the hint was learned
                }
            }
        }
    }

    private void RememberHint(string grainKey, SiloAddress silo)
    {
        if (!_hints.TryAdd(grainKey, silo))
        {
            _hints[grainKey] = silo;
        }
        else if (Interlocked.Increment(ref _hintCount) > MaxHints)
        {
            // Bounded: when full, start over rather than track recency on every read. Keys then go to the reader their
            // hash picks until their answers name their silo again.
            _hints.Clear();
            Interlocked.Exchange(ref _hintCount, 0);
        }
    }

    // Only the hint as it was read: one learned meanwhile stays.
    private void ForgetHint(string grainKey, SiloAddress silo)
    {
        if (_hints.TryRemove(new KeyValuePair<string, SiloAddress>(grainKey, silo)))
        {
            Interlocked.Decrement(ref _hintCount);
        }
    }

    /// <summary>One reader key, so one gateway connection, with one batch in flight (two while answers are large).</summary>
    private sealed class ReaderChannel(ClusterReadBatcher owner, IEntryReaderGrain reader)
    {
        private readonly Lock _lock = new();
        private List<Pending> _queue = [];
        private int _sending; // send loops running: 1, or 2 after a large answer
        private int _maxSending = 1;
        private SiloAddress? _silo;

        /// <summary>The silo that answered this reader's last batch; null before the first.</summary>
        public SiloAddress? Silo
        {
            get => Volatile.Read(ref _silo);
            set => Volatile.Write(ref _silo, value);
        }

        public Task<CacheEntry?> Enqueue(string grainKey)
        {
            var pending = new Pending(grainKey, Environment.TickCount64 + (long)owner._timeout.TotalMilliseconds);
            bool start;
            lock (_lock)
            {
                _queue.Add(pending);
                start = _sending < _maxSending;
                if (start)
                {
                    _sending++;
                }
            }

            if (start)
            {
                // The loop serves every caller from here on, so it must not carry this caller's execution context
                // (its Orleans request context, its trace) into their batches.
                if (ExecutionContext.IsFlowSuppressed())
                {
                    _ = SendAllAsync(); // the caller suppressed it already
                }
                else
                {
                    using (ExecutionContext.SuppressFlow())
                    {
                        _ = SendAllAsync();
                    }
                }
            }

            return pending.Result.Task;
        }

        private async Task SendAllAsync()
        {
            while (true)
            {
                List<Pending> batch;
                lock (_lock)
                {
                    // Also a second loop once answers are small again: the other one takes what is queued.
                    if (_queue.Count == 0 || _sending > _maxSending)
                    {
                        _sending--;
                        return;
                    }

                    // Callers whose own timeout has passed (a stalled silo held the batch before) have already failed
                    // open: asking for them would only delay the others.
                    var now = Environment.TickCount64;
                    _queue.RemoveAll(p => p.Deadline <= now && p.Result.TrySetCanceled());
                    if (_queue.Count == 0)
                    {
                        _sending--;
                        return;
                    }

                    if (_queue.Count <= MaxKeysPerBatch)
                    {
                        batch = _queue;
                        _queue = [];
                    }
                    else
                    {
                        batch = _queue.GetRange(0, MaxKeysPerBatch);
                        _queue.RemoveRange(0, MaxKeysPerBatch);
                    }
                }

                await SendAsync(batch).ConfigureAwait(false);

                // Let the callers just answered run first (their continuations were queued to this thread, and a
                // yield goes behind them): those that read again join the next batch instead of each sending alone.
                await Task.Yield();
            }
        }

        private async Task SendAsync(List<Pending> batch)
        {
            var keys = new string[batch.Count];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = batch[i].Key;
            }

            try
            {
                // Bounded like any cluster call, so that a lost silo cannot hold the callers queued behind this batch.
                var answer = await reader.GetManyAsync(keys).AsTask().WaitAsync(owner._timeout).ConfigureAwait(false);
                if (answer.Entries.Length != keys.Length)
                {
                    throw new InvalidOperationException($"A batched read of {keys.Length} keys was answered with {answer.Entries.Length} entries.");
                }

                owner.Learn(this, keys, answer);
                var largest = 0;
                foreach (var entry in answer.Entries)
                {
                    largest = Math.Max(largest, entry?.Response.Content.Length ?? 0);
                }

                Volatile.Write(ref _maxSending, largest >= LargeAnswerChars ? 2 : 1);
                for (var i = 0; i < batch.Count; i++)
                {
                    // A key whose read failed on the silo fails its caller's read: it is not a miss.
                    if (answer.Failures?[i] is { } failure)
                    {
                        batch[i].Result.TrySetException(failure);
                    }
                    else
                    {
                        batch[i].Result.TrySetResult(answer.Entries[i]);
                    }
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Result.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>
    /// The reader keys in use, and for keys without a hint, which reader their hash picks: of several readers on one
    /// silo only the first is picked, so that all reads for a silo go out in the same batches.
    /// </summary>
    private sealed class ReaderSet(ReaderChannel[] all)
    {
        private readonly ReaderChannel[] _byHash = FirstPerSilo(all);

        public ReaderChannel[] All { get; } = all;

        public ReaderChannel? For(SiloAddress silo)
        {
            foreach (var channel in All)
            {
                if (silo.Equals(channel.Silo))
                {
                    return channel;
                }
            }

            return null;
        }

        public ReaderChannel ByHash(string grainKey) => _byHash[(uint)grainKey.GetHashCode() % (uint)_byHash.Length];

        private static ReaderChannel[] FirstPerSilo(ReaderChannel[] all)
        {
            var silos = all.Select(c => c.Silo).ToArray(); // read once: built under the batcher's lock, but cheap to be sure
            var result = new ReaderChannel[all.Length];
            for (var i = 0; i < all.Length; i++)
            {
                var first = silos[i] is { } silo ? Array.FindIndex(silos, s => silo.Equals(s)) : i;
                result[i] = all[first];
            }

            return result;
        }
    }

    private sealed class Pending(string key, long deadline)
    {
        public string Key { get; } = key;

        /// <summary>When the caller stops waiting (Environment.TickCount64).</summary>
        public long Deadline { get; } = deadline;

        // Callers continue on the thread pool, not on the thread that completes the batch: one caller's continuation
        // must not delay the others' or the next batch.
        public TaskCompletionSource<CacheEntry?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
