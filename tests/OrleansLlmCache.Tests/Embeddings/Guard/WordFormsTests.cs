using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Tests.Embeddings.Guard;

public sealed class WordFormsTests
{
    [Theory]
    [InlineData("the user's Hours", "hour")]
    [InlineData("the users", "User")]
    [InlineData("a data frame", "DataFrame")]
    [InlineData("trim without re-encoding", "reencoding")]
    [InlineData("save it in a Pythonic way", "Python")]
    [InlineData("the way Python does", "Pythonic")]
    [InlineData("the Metric class", "datasets.Metric")]
    public void AWord_IsFound_AsWrittenPluralCompoundDerivedOrQualified(string prompt, string word) =>
        Assert.True(new WordForms(Words(prompt)).Contains(Words(word)[0]), $"'{word}' should be found in \"{prompt}\"");

    [Theory]
    [InlineData("weather in Paris", "Lyon")]
    [InlineData("the go tool", "golang")]
    [InlineData("a cat", "category")]
    public void AWord_ThatIsNotThere_IsNotFound(string prompt, string word) =>
        Assert.False(new WordForms(Words(prompt)).Contains(Words(word)[0]), $"'{word}' should not be found in \"{prompt}\"");

    private static IReadOnlyList<PromptWord> Words(string prompt) => PromptTokenizer.Tokenize(prompt).Words;
}
