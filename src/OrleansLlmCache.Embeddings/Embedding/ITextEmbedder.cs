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

    /// <summary>Embeds <paramref name="texts"/> and charges the model work they cause to <paramref name="account"/>.</summary>
    /// <param name="texts">The texts, as for <see cref="EmbedAsync(IReadOnlyList{string}, CancellationToken)"/>.</param>
    /// <param name="account">Who the work is counted against (see <see cref="IEmbeddingUsageRecorder"/>); an embedder that counts nothing ignores it.</param>
    /// <param name="cancellationToken">Stops waiting for the result.</param>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, string? account, CancellationToken cancellationToken = default) =>
        EmbedAsync(texts, cancellationToken);
}
