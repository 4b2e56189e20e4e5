using System.Numerics.Tensors;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Embeddings.Embedding;

namespace OrleansLlmCache.Tests.Semantic;

[Collection(SemanticClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SemanticLookupTests(SemanticClusterFixture fixture)
{
    private const string Question = "How do I reset my password?";
    private const string Paraphrase = "How can I reset my password?";

    // Each test gets its own semantic namespace, so prompts of different tests never meet.
    private readonly string _namespace = "semantic:" + Guid.NewGuid().ToString("N")[..12];

    private ILlmCache Cache => fixture.Cache;

    [Fact]
    public async Task Paraphrase_IsASemanticHit_ReportingScoreAndMatchedPrompt()
    {
        var origin = new CountingOrigin();
        var first = await AskAsync(Request(Question), origin);
        var second = await AskAsync(Request(Paraphrase), origin);

        Assert.Equal(LlmCacheSource.Origin, first.Source);
        Assert.Equal(LlmCacheSource.SemanticHit, second.Source);
        Assert.True(second.IsHit);
        Assert.Equal(1, origin.Calls);
        Assert.Equal("answer to " + Question, second.Response.Content);
        var match = Assert.IsType<SemanticMatch>(second.Semantic);
        Assert.Equal(Question, match.MatchedPrompt);
        Assert.Equal(Prompt(Question, _namespace).Key, match.EntryKey);
        Assert.InRange(match.Score, 0.85f, 1.0f);
    }

    [Fact]
    public async Task ExactRepeat_IsAnExactHit_NotASemanticOne()
    {
        var origin = new CountingOrigin();
        await AskAsync(Request(Question), origin);
        var again = await AskAsync(Request(Question), origin);

        Assert.Equal(LlmCacheSource.Hit, again.Source);
        Assert.Null(again.Semantic);
        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public async Task GuardedHardNegative_Misses_ThoughItsCosineIsAboveTheThreshold()
    {
        const string four = "Find flights from Paris to London under 4 hours";
        const string eight = "Find flights from Paris to London under 8 hours";
        var vectors = await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<ITextEmbedder>().EmbedAsync([four, eight]);
        Assert.True(TensorPrimitives.Dot(vectors[0], vectors[1]) >= 0.85f, "the pair must be a near neighbour for the guard to matter");

        var origin = new CountingOrigin();
        await AskAsync(Request(four), origin);
        var answer = await AskAsync(Request(eight), origin);

        Assert.Equal(LlmCacheSource.Origin, answer.Source);
        Assert.Equal("answer to " + eight, answer.Response.Content);
        Assert.Equal(2, origin.Calls);
    }

    [Theory]
    [InlineData("tenant")]
    [InlineData("namespace")]
    [InlineData("model")]
    [InlineData("system prompt")]
    [InlineData("temperature")]
    [InlineData("max tokens")]
    public async Task ScopesNeverCross(string differing)
    {
        var origin = new CountingOrigin();
        await AskAsync(Request(Question), origin);

        var other = differing switch
        {
            "tenant" => SemanticPrompt.For(Request(Paraphrase), "other-tenant", _namespace),
            "namespace" => SemanticPrompt.For(Request(Paraphrase), "tests", _namespace + "-other"),
            "model" => SemanticPrompt.For(Request(Paraphrase) with { Model = "gpt-4o" }, "tests", _namespace),
            "system prompt" => SemanticPrompt.For(Request(Paraphrase) with { SystemPrompt = "Answer in French." }, "tests", _namespace),
            "temperature" => SemanticPrompt.For(Request(Paraphrase) with { Temperature = 0.7 }, "tests", _namespace),
            "max tokens" => SemanticPrompt.For(Request(Paraphrase) with { MaxTokens = 100 }, "tests", _namespace),
            _ => throw new ArgumentOutOfRangeException(nameof(differing)),
        };
        var answer = await Cache.GetOrCreateAsync(other, origin.Call(other.Text));

        Assert.Equal(LlmCacheSource.Origin, answer.Source);
        Assert.Equal(2, origin.Calls);

        // The control: in the original scope the same paraphrase hits.
        var control = await AskAsync(Request(Paraphrase), origin);
        Assert.Equal(LlmCacheSource.SemanticHit, control.Source);
    }

    [Fact]
    public async Task SemanticMatching_IsOffByDefault_AndSwitchesPerRequest()
    {
        Assert.Empty(new LlmCacheOptions().Semantic.Namespaces);

        // "plain..." does not match the fixture's "semantic:*": semantic matching is off there unless a request turns it on.
        var plain = "plain" + Guid.NewGuid().ToString("N")[..12];
        var origin = new CountingOrigin();
        var on = new LlmCacheEntryOptions { Semantic = true };
        await Cache.GetOrCreateAsync(Prompt(Question, plain), origin.Call(Question), on);
        var off = await Cache.GetOrCreateAsync(Prompt(Paraphrase, plain), origin.Call(Paraphrase));
        Assert.Equal(LlmCacheSource.Origin, off.Source);

        var optedIn = await Cache.GetOrCreateAsync(Prompt("How could I reset my password?", plain), origin.Call("x"), on);
        Assert.Equal(LlmCacheSource.SemanticHit, optedIn.Source);
        Assert.Equal(Question, optedIn.Semantic?.MatchedPrompt);

        // ...and out where its namespace has it on.
        await AskAsync(Request(Question), origin);
        var optedOut = await Cache.GetOrCreateAsync(Prompt(Paraphrase, _namespace), origin.Call(Paraphrase), new LlmCacheEntryOptions { Semantic = false });
        Assert.Equal(LlmCacheSource.Origin, optedOut.Source);
    }

    [Fact]
    public async Task RemovedEntry_IsNeverServed_AndLeavesTheIndex()
    {
        var origin = new CountingOrigin();
        await AskAsync(Request(Question), origin);
        var stored = Prompt(Question, _namespace);
        var scope = fixture.Grains.GetGrain<ISemanticScopeGrain>(stored.Scope.ToGrainKey());
        Assert.Equal(1, (await scope.DescribeAsync()).Vectors);

        Assert.True(await Cache.RemoveAsync(stored.Key));
        var answer = await AskAsync(Request(Paraphrase), origin);

        Assert.Equal(LlmCacheSource.Origin, answer.Source);
        Assert.Equal("answer to " + Paraphrase, answer.Response.Content);

        // The dead candidate was dropped when found; the paraphrase's own entry took its place.
        Assert.Equal(1, (await scope.DescribeAsync()).Vectors);
    }

    [Fact]
    public async Task InvalidatedEntry_IsNeverServed()
    {
        var origin = new CountingOrigin();
        var tag = "t" + Guid.NewGuid().ToString("N")[..12];
        await AskAsync(Request(Question), origin, new LlmCacheEntryOptions { Tags = [tag] });

        await Cache.InvalidateTagAsync(tag, "tests");
        var answer = await AskAsync(Request(Paraphrase), origin);

        Assert.Equal(LlmCacheSource.Origin, answer.Source);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task ExpiredEntry_IsNeverServed()
    {
        var origin = new CountingOrigin();
        await AskAsync(Request(Question), origin, LlmCacheEntryOptions.Expiring(TimeSpan.FromMinutes(1)));

        // Other tests share the clock: they only ever move it forward, and use entries of a day's lifetime.
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        var answer = await AskAsync(Request(Paraphrase), origin);

        Assert.Equal(LlmCacheSource.Origin, answer.Source);
        Assert.Equal(2, origin.Calls);
    }

    private PromptRequest Request(string prompt) => new(prompt, "gpt-4", 0.0, 500, "You are a helpful support agent.");

    private SemanticPrompt Prompt(string text, string @namespace) => SemanticPrompt.For(Request(text), "tests", @namespace);

    private async Task<LlmCacheResult> AskAsync(PromptRequest request, CountingOrigin origin, LlmCacheEntryOptions? options = null) =>
        await Cache.GetOrCreateAsync(SemanticPrompt.For(request, "tests", _namespace), origin.Call(request.Prompt), options);

    private sealed class CountingOrigin
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Func<CancellationToken, ValueTask<CachedResponse>> Call(string prompt) => _ =>
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(new CachedResponse("answer to " + prompt, "gpt-4", 10, 20));
        };
    }
}
