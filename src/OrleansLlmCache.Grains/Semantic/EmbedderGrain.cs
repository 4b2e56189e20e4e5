using Orleans.Concurrency;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Embeddings.Embedding;

namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// A thin grain over the silo's shared embedder. Reentrant, so concurrent calls reach the embedder together and are
/// batched into one model run there; a stateless worker, so each silo embeds what it receives.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class EmbedderGrain(ITextEmbedder embedder) : Grain, IEmbedderGrain
{
    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return embedder.EmbedAsync(texts);
    }
}
