using Microsoft.Extensions.AI;

namespace OrleansLlmCache.Tests.Semantic;

/// <summary>
/// A stand-in for an application's embedding model, deterministic and local: one dimension per keyword, counting its
/// occurrences, plus a small constant one so that no vector is all zero. Prompts with the same keywords get the same
/// direction however different their other words; prompts with different keywords are far apart however alike they read.
/// </summary>
public sealed class KeywordEmbeddingGenerator(string modelId = KeywordEmbeddingGenerator.ModelName) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelName = "keyword-test-v1";

    private static readonly string[] Keywords = ["refund", "shipping", "password", "invoice"];
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            Interlocked.Increment(ref _calls);
            var words = value.ToLowerInvariant().Split([' ', '?', '!', ',', '.'], StringSplitOptions.RemoveEmptyEntries);
            var vector = Keywords.Select(k => (float)words.Count(w => w == k)).Append(0.05f).ToArray();
            embeddings.Add(new Embedding<float>(vector) { ModelId = modelId });
        }

        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, modelId, Keywords.Length + 1)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
