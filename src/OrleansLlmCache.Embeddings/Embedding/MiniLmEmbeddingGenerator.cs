using Microsoft.Extensions.AI;

namespace OrleansLlmCache.Embeddings.Embedding;

/// <summary>
/// The cache's all-MiniLM-L6-v2 as Microsoft.Extensions.AI's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: the
/// same vectors the silos index (unit length, 384 dimensions), for an application that wants them elsewhere (its own
/// similarity search, an evaluation), or that registers it as the semantic cache's application embedder.
/// </summary>
/// <remarks>
/// Usage accounting stays with <see cref="OnnxTextEmbedder"/> (<see cref="OnnxTextEmbedder.TokensEmbedded"/>): the
/// generated embeddings carry no <see cref="UsageDetails"/>. <see cref="EmbeddingGenerationOptions.Dimensions"/> other
/// than 384 is refused; the model makes vectors of one size.
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id the generator reports (<see cref="EmbeddingGeneratorMetadata.DefaultModelId"/>).</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    private readonly ITextEmbedder _embedder;
    private readonly bool _ownsEmbedder;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>A generator over a model of its own, loaded now (about 90 MB and a second or two).</summary>
    public MiniLmEmbeddingGenerator(OnnxTextEmbedderOptions? options = null)
        : this(new OnnxTextEmbedder(options), ownsEmbedder: true)
    {
    }

    /// <summary>A generator over <paramref name="embedder"/>, which stays the caller's to dispose.</summary>
    public MiniLmEmbeddingGenerator(ITextEmbedder embedder)
        : this(embedder ?? throw new ArgumentNullException(nameof(embedder)), ownsEmbedder: false)
    {
    }

    private MiniLmEmbeddingGenerator(ITextEmbedder embedder, bool ownsEmbedder)
    {
        _embedder = embedder;
        _ownsEmbedder = ownsEmbedder;
        _metadata = new EmbeddingGeneratorMetadata("orleans-llmcache", defaultModelId: ModelId, defaultModelDimensions: embedder.Dimensions);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A value is null, or <paramref name="options"/> asks for another dimension count.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } dimensions && dimensions != _embedder.Dimensions)
        {
            throw new ArgumentException($"{ModelId} makes vectors of {_embedder.Dimensions} dimensions; {dimensions} were asked for.", nameof(options));
        }

        var texts = values.ToList();
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"Value {i} is null: only text can be embedded.", nameof(values));
            }
        }

        var vectors = await _embedder.EmbedAsync(texts, cancellationToken);
        var created = DateTimeOffset.UtcNow;
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId, CreatedAt = created }));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_embedder) ? _embedder
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsEmbedder && _embedder is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
