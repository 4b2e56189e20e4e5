using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Tests.Embeddings.Guard;

public sealed class DirectionFinderTests
{
    [Theory]
    [InlineData("convert 10 USD to EUR", "currency#0", "currency#1", "USD", "EUR")]
    [InlineData("convert 10 dollars to euros", "currency#0", "currency#1", "dollars", "euros")]
    [InlineData("migrating from svn to git", "version control system#1", "version control system#0", "svn", "git")]
    [InlineData("split monolith into microservices", "monolith", "microservice", "monolith", "microservices")]
    [InlineData("flights London→Tokyo", "london", "tokyo", "London", "Tokyo")]
    [InlineData("100 Celsius in Fahrenheit", "unit of temperature#0", "unit of temperature#1", "Celsius", "Fahrenheit")]
    [InlineData("Markdown as HTML", "file format#9", "file format#8", "Markdown", "HTML")]
    public void APair_IsReadFromItsEndpoints_TermsBySetAndGroupAndOtherWordsByStem(string prompt, string from, string to, string fromText, string toText) =>
        Assert.Equal(new DirectedPair(from, to, fromText, toText), Assert.Single(Find(prompt)));

    [Theory]
    [InlineData("steps to migrate a database")]
    [InlineData("go to bed early")]
    [InlineData("hotels in Rome")]
    [InlineData("Python to Python")]
    public void ABareToInOrAs_BetweenWordsThatAreNotAlternativesOfOneSet_IsNoDirection(string prompt) => Assert.Empty(Find(prompt));

    private static IReadOnlyList<DirectedPair> Find(string prompt)
    {
        var words = PromptTokenizer.Tokenize(prompt).Words;
        return DirectionFinder.Find(words, TermMatcher.Find(words));
    }
}
