using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Validation;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Grains.Semantic;

namespace Orleans.Hosting;

/// <summary>Adds the semantic cache's silo services: the lazily loaded embedder and the index settings.</summary>
public static class LlmCacheSemanticHostingExtensions
{
    /// <summary>
    /// Registers the embedder (all-MiniLM-L6-v2, loaded on the first semantic request) and the semantic index options,
    /// bound to <c>LlmCache:Semantic</c>. Called by <c>AddOrleansLlmCacheGrains</c>; call it again to configure.
    /// </summary>
    public static ISiloBuilder AddOrleansLlmCacheSemantic(this ISiloBuilder builder, Action<SemanticIndexOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SemanticIndexOptions>().BindConfigurationStrictly(SemanticIndexOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SemanticIndexOptions>, SemanticIndexOptionsValidator>());
        builder.Services.TryAddSingleton(new OnnxTextEmbedderOptions());
        builder.Services.TryAddSingleton<ITextEmbedder>(sp => new LazyTextEmbedder(sp.GetRequiredService<OnnxTextEmbedderOptions>(), sp.GetService<IEmbeddingUsageRecorder>()));
        return builder;
    }
}
