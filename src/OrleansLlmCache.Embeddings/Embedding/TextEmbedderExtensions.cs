namespace OrleansLlmCache.Embeddings.Embedding;

/// <summary>Conveniences over <see cref="ITextEmbedder"/>.</summary>
public static class TextEmbedderExtensions
{
    /// <summary>Embeds one text.</summary>
    public static async Task<float[]> EmbedAsync(this ITextEmbedder embedder, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var vectors = await embedder.EmbedAsync([text], cancellationToken);
        return vectors[0];
    }
}
