using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Tests.Embeddings.Guard;

public sealed class NameDetectorTests
{
    [Theory]
    [InlineData("weather in Paris this weekend", "Paris")]
    [InlineData("install PyTorch and pg_dump on AWS with node.js or c#", "PyTorch|pg_dump|AWS|node.js|c#")]
    [InlineData("how to backup mariaDB", "mariaDB")]
    [InlineData("Paris weather", "")]
    [InlineData("guides: Tutorials, Reference", "")]
    [InlineData("How To Reset A Windows Password", "")]
    [InlineData("I'm in a 4 GB VM", "GB|VM")]
    public void Names_AreInnerCapitalsAcronymsCamelCaseAndIdentifiers_NotSentenceOrTitleCapitals(string prompt, string expected) =>
        Assert.Equal(expected.Split('|', StringSplitOptions.RemoveEmptyEntries), NameDetector.Find(Words(prompt)).Select(w => w.Text));

    [Theory]
    [InlineData("iphone cost in the United States", "US", "United|States")]
    [InlineData("rates of the Bank for International Settlements", "BIS", "Bank|International|Settlements")]
    [InlineData("sort an array in JavaScript", "JS", "JavaScript")]
    [InlineData("sort an array in JavaScript", "US", "")]
    [InlineData("the Unicorn", "U", "")]
    public void AnAcronym_ExpandsToTheWordsWhoseInitialsItSpells(string prompt, string acronym, string expected) =>
        Assert.Equal(expected.Split('|', StringSplitOptions.RemoveEmptyEntries), NameDetector.Expansion(Words(prompt), acronym).Select(w => w.Text));

    private static IReadOnlyList<PromptWord> Words(string prompt) => PromptTokenizer.Tokenize(prompt).Words;
}
