using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Embeddings.Embedding;

namespace OrleansLlmCache.Tests.Embeddings;

/// <summary>The silos' model through Microsoft.Extensions.AI's embedding contract: the same vectors, described by its metadata.</summary>
[Collection(EmbedderCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MiniLmEmbeddingGeneratorTests(EmbedderFixture fixture)
{
    [Fact]
    public async Task Generate_GivesTheEmbeddersVectors_WithTheModelsIdAndReferenceSimilarities()
    {
        using IEmbeddingGenerator<string, Embedding<float>> generator = new MiniLmEmbeddingGenerator(fixture.Embedder);
        string[] texts = ["The weather is lovely today.", "It's so sunny outside!"];

        var embeddings = await generator.GenerateAsync(texts);
        var direct = await fixture.Embedder.EmbedAsync(texts);

        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(MiniLmEmbeddingGenerator.ModelId, e.ModelId));
        Assert.Equal(direct[0], embeddings[0].Vector.ToArray());
        Assert.Equal(0.6660, TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span), 3);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal((MiniLmEmbeddingGenerator.ModelId, 384), (metadata.DefaultModelId, metadata.DefaultModelDimensions));
    }

    [Fact]
    public async Task AnotherDimensionCount_OrANullValue_IsRefusedNamingIt()
    {
        using var generator = new MiniLmEmbeddingGenerator(fixture.Embedder);

        var dimensions = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { Dimensions = 1536 }));
        var nullValue = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["text", null!]));

        Assert.Contains("384 dimensions; 1536 were asked for", dimensions.Message, StringComparison.Ordinal);
        Assert.Contains("Value 1 is null", nullValue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_LeavesAnEmbedderItWasGiven_Working()
    {
        new MiniLmEmbeddingGenerator(fixture.Embedder).Dispose();

        Assert.Single(await fixture.Embedder.EmbedAsync(["still here"]));
    }
}
