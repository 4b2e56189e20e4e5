namespace OrleansLlmCache.Embeddings.Embedding;

/// <summary>Turns texts into unit-length sentence vectors whose dot product is their cosine similarity.</summary>
/// <remarks>Implementations are thread-safe: many callers may embed at once, and may be batched together.</remarks>
public interface ITextEmbedder
{
    /// <summary>The length of every vector this embedder returns (384 for all-MiniLM-L6-v2).</summary>
    int Dimensions { get; }

    /// <summary>Embeds <paramref name="texts"/>, one vector per text in the same order.</summary>
    /// <param name="texts">The texts; empty strings are allowed. Identical texts get identical vectors.</param>
    /// <param name="cancellationToken">Stops waiting for the result (work already batched with other callers still completes).</param>
    /// <returns>One L2-normalised vector of <see cref="Dimensions"/> floats per text. The arrays belong to the caller.</returns>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
