using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Grains.Statistics;
using OrleansLlmCache.Tests.Semantic;

namespace OrleansLlmCache.Tests.Statistics;

/// <summary>Savings net of what the cache itself spends embedding prompts, counted once, where the model ran.</summary>
[Collection(SemanticClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class EmbeddingCostTests(SemanticClusterFixture fixture)
{
    private readonly string _namespace = "semantic:" + Guid.NewGuid().ToString("N")[..12];

    // The silo's embedder remembers recent texts for every namespace, and a remembered text is free: these prompts are
    // used by no other test, so that the model really runs for them here.

    [Fact]
    public async Task SemanticTraffic_CountsItsEmbeddingsOnce_AndNetSavingsAreGrossLessTheirCost()
    {
        var miss = await AskAsync("How do I change my email address?");
        var hit = await AskAsync("How can I change my email address?");
        var again = await AskAsync("How can I change my email address?"); // looked up again, but the embedder knows the text: free
        Assert.Equal(LlmCacheSource.Origin, miss.Source);
        Assert.Equal(LlmCacheSource.SemanticHit, hit.Source);
        Assert.Equal(LlmCacheSource.SemanticHit, again.Source);

        await fixture.Cluster.Client.ServiceProvider.GetRequiredService<StatisticsReporter>().FlushAsync();
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        await silo.GetRequiredService<EmbeddingUsageReporter>().FlushAsync();
        var stats = await fixture.Grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetAsync();

        // Three lookups, two texts through the model: the question (its vector was reused to index it) and the paraphrase.
        var usage = Assert.Single(stats.Embedding, e => e.Namespace == _namespace);
        Assert.Equal(2, usage.Texts);
        Assert.InRange(usage.Tokens, 2 * 5, 2 * 20); // [CLS] + 6-7 word pieces + [SEP] each
        var price = silo.GetRequiredService<IOptions<SiloStatisticsOptions>>().Value.EmbeddingPricePerMillionTokens;
        Assert.Equal(usage.Tokens * price / 1_000_000m, stats.EmbeddingCostIn(_namespace));

        // Two hits of a gpt-4 answer of 10 + 20 tokens at the article's prices ($0.03 / $0.06 per 1K).
        Assert.Equal(2 * ((10 * 0.03m) + (20 * 0.06m)) / 1000m, stats.GrossSavedIn(_namespace));
        Assert.True(stats.EmbeddingCostIn(_namespace) > 0, "the embeddings cost something");
        Assert.Equal(stats.GrossSavedIn(_namespace) - stats.EmbeddingCostIn(_namespace), stats.NetSavedIn(_namespace));
        Assert.True(stats.NetSavedIn(_namespace) < stats.GrossSavedIn(_namespace), "net savings are less than gross");
        Assert.True(stats.NetSaved <= stats.GrossSaved - stats.EmbeddingCostIn(_namespace), "the cluster's net includes this namespace's embedding cost");
    }

    [Fact]
    public async Task EachReportIsCountedOnce_SoASecondFlushAddsNothing()
    {
        await AskAsync("Where can I download my invoices?");
        var reporter = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<EmbeddingUsageReporter>();
        await reporter.FlushAsync();
        var grain = fixture.Grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key);
        var first = Assert.Single((await grain.GetAsync()).Embedding, e => e.Namespace == _namespace);

        await reporter.FlushAsync();
        var second = Assert.Single((await grain.GetAsync()).Embedding, e => e.Namespace == _namespace);

        Assert.Equal(1, first.Texts);
        Assert.Equal(first, second);
    }

    private async Task<LlmCacheResult> AskAsync(string prompt)
    {
        var request = new PromptRequest(prompt, "gpt-4", 0.0, 500, "You are a helpful support agent.");
        return await fixture.Cache.GetOrCreateAsync(
            SemanticPrompt.For(request, "tests", _namespace),
            _ => ValueTask.FromResult(new CachedResponse("answer to " + prompt, "gpt-4", 10, 20)));
    }
}
