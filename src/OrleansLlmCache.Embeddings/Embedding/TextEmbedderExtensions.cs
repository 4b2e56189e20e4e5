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

    /// <summary>Embeds one text, charging the model work to <paramref name="account"/>.</summary>
    public static async Task<float[]> EmbedAsync(this ITextEmbedder embedder, string text, string? account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var vectors = await embedder.EmbedAsync([text], account, cancellationToken);
        return vectors[0];
    }
}
