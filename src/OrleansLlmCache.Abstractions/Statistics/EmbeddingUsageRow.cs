namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>
/// What the cache itself spent on embeddings for one namespace: texts and tokens the silos' model actually ran (texts
/// answered from the embedder's recent-text cache are free and not counted), priced at
/// <c>LlmCache:Statistics:EmbeddingPricePerMillionTokens</c> on the silo that ran them.
/// </summary>
/// <param name="Namespace">The namespace whose semantic lookups asked for the embeddings; empty when none was named.</param>
/// <param name="Texts">Texts the model embedded.</param>
/// <param name="Tokens">Their word-piece tokens, as the model saw them.</param>
/// <param name="Dollars">What that work cost at the configured embedding price.</param>
[GenerateSerializer, Immutable, Alias("llmcache.EmbeddingUsageRow")]
public sealed record EmbeddingUsageRow(
    [property: Id(0)] string Namespace,
    [property: Id(1)] long Texts,
    [property: Id(2)] long Tokens,
    [property: Id(3)] decimal Dollars);
