using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Tests.Embeddings.Guard;

public sealed class NegationScoperTests
{
    [Theory]
    [InlineData("Explain TLS with no links", "no", "links")]
    [InlineData("is the v1 API not deprecated", "not", "deprecated")]
    [InlineData("why doesn't my build use the cache", "doesn't", "build")]
    [InlineData("hotels without parking", "without", "parking")]
    [InlineData("nut-free pesto recipe", "nut-free", "nut")]
    public void ANegation_ScopesTheNextContentWord_OrTheWordBeforeFree(string prompt, string cue, string scope)
    {
        var negation = Assert.Single(Find(prompt));

        Assert.Equal(cue, negation.Cue);
        Assert.Equal(scope, negation.Scope.Text);
    }

    [Theory]
    [InlineData("No, it is fine")]
    [InlineData("list not only the errors but also the warnings")]
    [InlineData("posts with no more than 50 upvotes")]
    [InlineData("run it whether or not it fails")]
    [InlineData("I do not at all")]
    public void AnswerParticles_NonNegatingPhrases_AndNegatorsWithoutContentNearby_NegateNothing(string prompt) =>
        Assert.Empty(Find(prompt));

    private static IReadOnlyList<Negation> Find(string prompt) => NegationScoper.Find(PromptTokenizer.Tokenize(prompt).Words);
}
