namespace OrleansLlmCache.Tests.Embeddings;

/// <summary>The test classes that share <see cref="EmbedderFixture"/> (and so run one after another, not fighting for 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class EmbedderCollection : ICollectionFixture<EmbedderFixture>
{
    public const string Name = "Embedder";
}
