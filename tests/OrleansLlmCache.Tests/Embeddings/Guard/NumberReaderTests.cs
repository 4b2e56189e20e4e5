using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Tests.Embeddings.Guard;

public sealed class NumberReaderTests
{
    [Theory]
    [InlineData("1,000 people", "1000")]
    [InlineData("one thousand people", "1000")]
    [InlineData("a city of one hundred thousand people", "100000")]
    [InlineData("twenty five", "25")]
    [InlineData("one hundred and five", "105")]
    [InlineData("a dozen eggs", "12")]
    [InlineData("a hundred eggs", "100")]
    [InlineData("the third chapter", "3")]
    [InlineData("5 million users", "5000000")]
    [InlineData("10k users", "10000")]
    [InlineData("costs 4.50", "4.5")]
    [InlineData("room 07", "7")]
    [InlineData("release v2.10.0", "2.10")]
    [InlineData("on 2025-01-01", "2025-01-01")]
    [InlineData("gpt-4o and mp3", "3|4")]
    [InlineData("top 5 and 10 more", "10|5")]
    public void Numbers_AreReadInOneCanonicalForm(string prompt, string expected) =>
        Assert.Equal(expected.Split('|'), Read(prompt));

    [Theory]
    [InlineData("k8s and i18n")]
    [InlineData("zero-copy reads")]
    [InlineData("a second opinion")]
    [InlineData("what is Orleans")]
    public void Numeronyms_AndWordsThatAreNotCounts_CarryNoNumber(string prompt) => Assert.Empty(Read(prompt));

    private static IEnumerable<string> Read(string prompt) => NumberReader.Read(PromptTokenizer.Tokenize(prompt).Words);
}
