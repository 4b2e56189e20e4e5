using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Grains.Semantic;
using OrleansLlmCache.Grains.Statistics;

namespace OrleansLlmCache.Tests.Statistics;

/// <summary>Embedding cost across silos and an app server: each model run is counted once, by the silo that ran it.</summary>
[Trait("Category", "Integration")]
public sealed class EmbeddingCostClusterTests
{
    [Fact]
    public async Task TwoSilosAndAnAppServer_ReportExactlyTheTokensTheSilosModelsRan()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrleansLlmCacheGrains();
            silo.UseInMemoryLlmCacheStorage();
        });
        builder.ConfigureClientHost(host => host.Services.AddOrleansLlmCache(o =>
        {
            o.OperationTimeout = TimeSpan.FromSeconds(30);
            o.Semantic.Namespaces = ["faq"];
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            // The app server's semantic traffic runs its lookups on its gateway silo.
            var cache = cluster.Client.ServiceProvider.GetRequiredService<ILlmCache>();
            foreach (var text in new[] { "How do I close my account?", "How can I close my account?", "Where is the billing page?" })
            {
                await cache.GetOrCreateAsync(cache.CreateSemanticPrompt(Request(text), @namespace: "faq"), _ => ValueTask.FromResult(new CachedResponse("a", "gpt-4", 10, 20)));
            }

            // Lookups started on each silo run there (stateless workers are local), so both models run, one text in common.
            foreach (var silo in cluster.Silos)
            {
                var grains = silo.ServiceProvider.GetRequiredService<IGrainFactory>();
                var prompt = SemanticPrompt.For(Request("Can I reopen a closed account?"), "default", "faq");
                await grains.GetGrain<ISemanticLookupGrain>(0).FindAsync(new SemanticQuery(prompt, 0.85f, true, 5));
            }

            await cluster.Client.ServiceProvider.GetRequiredService<StatisticsReporter>().FlushAsync();
            var ran = new List<long>();
            foreach (var silo in cluster.Silos)
            {
                await silo.ServiceProvider.GetRequiredService<EmbeddingUsageReporter>().FlushAsync();
                ran.Add(((LazyTextEmbedder)silo.ServiceProvider.GetRequiredService<ITextEmbedder>()).TokensEmbedded);
            }

            var stats = await cluster.Client.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetAsync();
            Assert.All(ran, tokens => Assert.True(tokens > 0, $"both silos' models ran: {string.Join(", ", ran)}"));
            Assert.Equal(ran.Sum(), Assert.Single(stats.Embedding).Tokens);
            Assert.Equal(2 + 3, Assert.Single(stats.Embedding).Texts); // the common text once per silo, the app's three once
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static PromptRequest Request(string prompt) => new(prompt, "gpt-4", 0.0, 500, "You are a helpful support agent.");
}
