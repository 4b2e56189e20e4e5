using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Semantic;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Semantic;

/// <summary>The verifier asked before a semantic hit is served: a keyed chat client or a delegate, and what it costs.</summary>
public sealed class SemanticVerifierTests : IDisposable
{
    private const string VerifierKey = "semantic-verifier";
    private readonly TestChatClient _chat = new();
    private readonly ServiceProvider _services;
    private readonly LlmCacheOptions _options = new();
    private readonly ClusterStatisticsCollector _collector;

    public SemanticVerifierTests()
    {
        _services = new ServiceCollection().AddMetrics().AddKeyedSingleton<IChatClient>(VerifierKey, _chat).BuildServiceProvider();
        _options.Prices["verifier-mini"] = new ModelPrice { InputPer1K = 0.001m, OutputPer1K = 0.002m };
        _collector = new ClusterStatisticsCollector(Options.Create(_options));
    }

    [Theory]
    [InlineData("Yes.", true)]
    [InlineData("yes", true)]
    [InlineData("No, the numbers differ.", false)]
    [InlineData("Maybe", false)]
    public async Task AChatClientVerifier_IsAskedAboutBothPrompts_ServesOnYes_AndItsTokensArePricedAsACostOfTheCache(string answer, bool accepted)
    {
        _options.Semantic.VerifierChatClientKey = VerifierKey;
        IReadOnlyList<ChatMessage>? asked = null;
        _chat.OnGetResponse = (messages, _, _) =>
        {
            asked = [.. messages];
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
            {
                ModelId = "verifier-mini",
                Usage = new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 1000 },
            });
        };

        var result = await Verifier().AcceptsAsync(Prompt("How can I reset my password?"), Match("How do I reset my password?"), CancellationToken.None);

        Assert.Equal(accepted, result);
        Assert.Contains("How can I reset my password?", asked![^1].Text, StringComparison.Ordinal);
        Assert.Contains("How do I reset my password?", asked[^1].Text, StringComparison.Ordinal);
        var row = Assert.Single(_collector.Drain()!.Rows);
        Assert.Equal((ClusterStatistics.VerifyOutcome, "verifier-mini", "support", 1000L, 1000L, 0.003m), (row.Outcome, row.Model, row.Namespace, row.InputTokens, row.OutputTokens, row.Dollars));
    }

    [Fact]
    public async Task ADelegateVerifier_IsAskedWithTheCandidate_AndOneThatThrowsRefuses()
    {
        SemanticVerification? seen = null;
        _options.Semantic.Verifier = (v, _) =>
        {
            seen = v;
            return ValueTask.FromResult(true);
        };
        Assert.True(await Verifier().AcceptsAsync(Prompt("How can I reset my password?"), Match("How do I reset my password?"), CancellationToken.None));
        Assert.Equal(new SemanticVerification("support", "How can I reset my password?", "How do I reset my password?", 0.93f), seen);

        _options.Semantic.Verifier = (_, _) => throw new InvalidOperationException("the verifier's model is down");
        Assert.False(await Verifier().AcceptsAsync(Prompt("How can I reset my password?"), Match("How do I reset my password?"), CancellationToken.None));
        Assert.Null(_collector.Drain()); // a delegate's cost is the application's own
    }

    [Fact]
    public void TheVerifier_AppliesWhereConfigured_UnlessTheNamespacesPolicyTurnsItOff()
    {
        Assert.False(Verifier().AppliesTo("support"));

        _options.Semantic.VerifierChatClientKey = VerifierKey;
        _options.Policies["support"] = new() { SemanticVerify = false };
        Assert.False(Verifier().AppliesTo("support"));
        Assert.True(Verifier().AppliesTo("billing"));
    }

    public void Dispose() => _services.Dispose();

    private SemanticVerifier Verifier()
    {
        var observer = new CacheOutcomeObserver(new LlmCacheStatistics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), _collector, NullLogger<CacheOutcomeObserver>.Instance);
        var lookup = new SemanticLookup(null!, _options, null, NullLogger.Instance); // no hit id: a refusal is reported nowhere
        return new SemanticVerifier(_services, _options, lookup, observer, NullLogger.Instance);
    }

    private static SemanticPrompt Prompt(string text) =>
        SemanticPrompt.For(new PromptRequest(text, "gpt-4", 0, 100, null), "tests", "support");

    private static SemanticMatch Match(string cachedPrompt) => new(new CacheKey("tests", "support", "cached"), cachedPrompt, 0.93f);
}
