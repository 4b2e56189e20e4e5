using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Semantic;

/// <summary>
/// The application's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> as the semantic cache's embedder
/// (<see cref="SemanticCacheOptions.UseEmbeddingGenerator"/>): prompts are embedded on the app server, where the
/// application registered its model, and the silos search with the vectors they are sent. Each model (and dimension
/// count) has scopes of its own, so that vectors of different models are never compared.
/// </summary>
internal sealed class ApplicationEmbedder(IEmbeddingGenerator<string, Embedding<float>> generator, string modelId)
{
    private const string Setting = LlmCacheOptions.SectionName + ":Semantic:" + nameof(SemanticCacheOptions.EmbeddingModelId);

    /// <summary>The name the vectors' model goes by in their scopes and registrations.</summary>
    public string ModelId { get; } = modelId;

    /// <summary>
    /// The application's embedder when <see cref="SemanticCacheOptions.UseEmbeddingGenerator"/> is on, else
    /// <see langword="null"/>; throws an <see cref="InvalidOperationException"/> naming what is missing.
    /// </summary>
    public static ApplicationEmbedder? Resolve(IServiceProvider services, LlmCacheOptions options)
    {
        if (!options.Semantic.UseEmbeddingGenerator)
        {
            return null;
        }

        var generator = services.GetService<IEmbeddingGenerator<string, Embedding<float>>>()
            ?? throw new InvalidOperationException(
                $"{LlmCacheOptions.SectionName}:Semantic:{nameof(SemanticCacheOptions.UseEmbeddingGenerator)} is on, but no IEmbeddingGenerator<string, Embedding<float>> is registered: "
                + "register the application's (services.AddEmbeddingGenerator(...)), or turn the setting off to embed on the silos.");
        var modelId = options.Semantic.EmbeddingModelId ?? generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        if (string.IsNullOrWhiteSpace(modelId))
        {
            throw new InvalidOperationException(
                $"{Setting} is not set and the registered embedding generator names no model (EmbeddingGeneratorMetadata.DefaultModelId): set it to the model's name, which keeps its vectors apart from other models'.");
        }

        return new ApplicationEmbedder(generator, modelId);
    }

    /// <summary>The prompt's vector, scaled to unit length so that a dot product is its cosine similarity.</summary>
    /// <exception cref="InvalidOperationException">The generator returned no usable vector (empty, all zero, not finite).</exception>
    public async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        var vector = (await generator.GenerateVectorAsync(text, cancellationToken: cancellationToken)).ToArray();
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        if (vector.Length is 0 or > LlmCacheLimits.MaxEmbeddingDimensions || !double.IsFinite(norm) || norm == 0)
        {
            throw new InvalidOperationException(
                $"The embedding generator of model {ModelId} returned a vector that cannot be compared ({vector.Length} values, at most {LlmCacheLimits.MaxEmbeddingDimensions}; length {norm}).");
        }

        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(vector[i] / norm);
        }

        return vector;
    }

    /// <summary>
    /// The prompt in its model's scope: the same tenant, namespace and request context, and an index of the model's own
    /// for each dimension count (a model can be asked for shorter vectors, which cannot be compared with longer ones).
    /// </summary>
    public SemanticPrompt InModelScope(SemanticPrompt prompt, int dimensions)
    {
        var form = $"embedder\n{ModelId}\n{dimensions}\n{prompt.Scope.Hash}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(form)));
        return prompt with { Scope = new SemanticScope(prompt.Scope.Tenant, hash) };
    }
}
