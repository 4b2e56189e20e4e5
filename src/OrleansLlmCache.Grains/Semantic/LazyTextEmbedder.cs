using OrleansLlmCache.Core.Diagnostics;
using OrleansLlmCache.Embeddings.Embedding;

namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// The silo's <see cref="ITextEmbedder"/>: loads all-MiniLM-L6-v2 (about 90 MB and a second or two) on the first
/// embedding, so a silo that never sees semantic traffic never pays for it.
/// </summary>
internal sealed class LazyTextEmbedder(OnnxTextEmbedderOptions options, IEmbeddingUsageRecorder? usage = null) : ITextEmbedder, IAsyncDisposable
{
    private readonly Lazy<OnnxTextEmbedder> _embedder = new(() => new OnnxTextEmbedder(options, usage), LazyThreadSafetyMode.ExecutionAndPublication);

    // all-MiniLM-L6-v2's; answered without loading the model.
    public int Dimensions => 384;

    /// <summary>Whether the model has been loaded.</summary>
    public bool IsLoaded => _embedder.IsValueCreated;

    /// <summary>The tokens this silo's model has embedded (0 before it loads): the ground truth the statistics count.</summary>
    public long TokensEmbedded => _embedder.IsValueCreated ? _embedder.Value.TokensEmbedded : 0;

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        EmbedAsync(texts, account: null, cancellationToken);

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, string? account, CancellationToken cancellationToken = default) =>
        LlmCacheActivity.Source.HasListeners() ? EmbedTracedAsync(texts, account, cancellationToken) : _embedder.Value.EmbedAsync(texts, account, cancellationToken);

    // A span per embedding call (the model's first load included), so a slow semantic lookup shows where its time went.
    private async Task<float[][]> EmbedTracedAsync(IReadOnlyList<string> texts, string? account, CancellationToken cancellationToken)
    {
        using var span = LlmCacheActivity.Source.StartActivity("llmcache.embed");
        span?.SetTag(LlmCacheActivity.EmbeddedTexts, texts.Count);
        span?.SetTag("llmcache.embedding.model_loaded", IsLoaded);
        try
        {
            return await _embedder.Value.EmbedAsync(texts, account, cancellationToken);
        }
        catch (Exception ex) when (span is not null)
        {
            LlmCacheActivity.Fail(span, ex);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedder.IsValueCreated)
        {
            await _embedder.Value.DisposeAsync();
        }
    }
}
