using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Grains.Semantic;

namespace OrleansLlmCache.Tests.Semantic;

/// <summary>
/// Semantic matching with the application's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (a deterministic
/// local one) instead of the silos' model: hits and misses follow its vectors, the silos' model is never loaded, and
/// another model name starts an index of its own.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ApplicationEmbedderTests
{
    private readonly string _namespace = "appembed" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task HitsAndMisses_FollowTheApplicationsVectors_AndAnotherModelStartsItsOwnIndex()
    {
        await using var silo = await TcpSilo.StartAsync("appembed-" + Guid.NewGuid().ToString("N")[..8]);
        var generator = new KeywordEmbeddingGenerator();
        await using var client = await ConnectAsync(silo, generator);
        var cache = client.Cache;
        var origin = 0;
        ValueTask<CachedResponse> Origin(string prompt) => new(new CachedResponse($"answer {Interlocked.Increment(ref origin)} to {prompt}", "gpt-4"));
        Task<LlmCacheResult> AskAsync(ILlmCache on, string prompt) =>
            on.GetOrCreateAsync(on.CreateSemanticPrompt(new PromptRequest(prompt, "gpt-4", 0, 100), @namespace: _namespace), _ => Origin(prompt)).AsTask();

        Assert.Equal(LlmCacheSource.Origin, (await AskAsync(cache, "How do I get a refund?")).Source);

        // Same keyword, nothing else alike: the application's model calls them identical, so it is a hit.
        var hit = await AskAsync(cache, "refund the purple elephant");
        Assert.Equal(LlmCacheSource.SemanticHit, hit.Source);
        Assert.Equal("answer 1 to How do I get a refund?", hit.Response.Content);
        Assert.Equal("How do I get a refund?", hit.Semantic!.MatchedPrompt);

        // Alike to a reader, another keyword: far apart for the model, so a miss.
        Assert.Equal(LlmCacheSource.Origin, (await AskAsync(cache, "How do I get a shipping label?")).Source);
        Assert.Equal(2, origin);
        Assert.True(generator.Calls >= 3);
        Assert.False(((LazyTextEmbedder)silo.Services.GetRequiredService<ITextEmbedder>()).IsLoaded, "the silos' model must not be needed");

        // Another model name (a new version of the model): its index starts empty, so the same prompt misses.
        await using var upgraded = await ConnectAsync(silo, new KeywordEmbeddingGenerator(), modelId: "keyword-test-v2");
        Assert.Equal(LlmCacheSource.Origin, (await AskAsync(upgraded.Cache, "refund my purple elephant")).Source);
        Assert.Equal(LlmCacheSource.SemanticHit, (await AskAsync(upgraded.Cache, "a refund for the elephant")).Source);
    }

    [Fact]
    public async Task WithoutAGenerator_TheAppServerDoesNotStart_AndSaysWhatIsMissing()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ClientHost.ConnectToGatewayAsync(
            FreePorts.Next(), "none", configure: o => o.Semantic.UseEmbeddingGenerator = true));
        Assert.Contains("UseEmbeddingGenerator", error.Message);
        Assert.Contains("IEmbeddingGenerator", error.Message);
    }

    private Task<ClientHost> ConnectAsync(TcpSilo silo, KeywordEmbeddingGenerator generator, string? modelId = null) =>
        ClientHost.ConnectToGatewayAsync(
            silo.GatewayPort,
            silo.ClusterId,
            configure: o =>
            {
                o.Semantic.Namespaces = [_namespace];
                o.Semantic.UseEmbeddingGenerator = true;
                o.Semantic.EmbeddingModelId = modelId;
                o.Semantic.Threshold = 0.95f;
                o.Semantic.UseGuard = false; // the test is about the vectors alone
            },
            services: s => s.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator));
}
