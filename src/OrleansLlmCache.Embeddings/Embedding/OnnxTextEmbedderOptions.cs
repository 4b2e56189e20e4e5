namespace OrleansLlmCache.Embeddings.Embedding;

/// <summary>Settings of <see cref="OnnxTextEmbedder"/>. Every default is chosen for a small silo (2 cores).</summary>
public sealed class OnnxTextEmbedderOptions
{
    /// <summary>The most texts one ONNX run embeds at once.</summary>
    /// <value>Default 32: large enough to amortise a run, small enough that short prompts are not padded to a long one's length for long.</value>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>How long the batcher waits for more texts after the first one of a batch arrives.</summary>
    /// <value>
    /// Default <see cref="TimeSpan.Zero"/>: no waiting. Texts that arrive while a batch runs are coalesced into the next run,
    /// so batches form under load without adding latency to a lone request. Set 1-2 ms to trade latency for larger batches.
    /// </value>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.Zero;

    /// <summary>How many recent texts keep their vectors, so a repeated text is not embedded again.</summary>
    /// <value>Default 4,096 (about 1.6 KB a vector plus the text). 0 turns the cache off.</value>
    public int RecentTextCapacity { get; set; } = 4096;

    /// <summary>Threads ONNX Runtime uses inside one run.</summary>
    /// <value>Default 0: ONNX Runtime's own choice (one per physical core).</value>
    public int IntraOpThreads { get; set; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (MaxBatchSize is < 1 or > 1024)
        {
            throw new ArgumentException($"MaxBatchSize must be between 1 and 1024; got {MaxBatchSize}.", nameof(MaxBatchSize));
        }

        if (BatchWindow < TimeSpan.Zero || BatchWindow > TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentException($"BatchWindow must be between 0 and 100 ms; got {BatchWindow.TotalMilliseconds} ms.", nameof(BatchWindow));
        }

        if (RecentTextCapacity < 0)
        {
            throw new ArgumentException($"RecentTextCapacity must not be negative; got {RecentTextCapacity}.", nameof(RecentTextCapacity));
        }

        if (IntraOpThreads < 0)
        {
            throw new ArgumentException($"IntraOpThreads must not be negative; got {IntraOpThreads}.", nameof(IntraOpThreads));
        }
    }
}
