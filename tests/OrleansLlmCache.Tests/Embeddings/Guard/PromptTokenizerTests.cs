using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Tests.Embeddings.Guard;

public sealed class PromptTokenizerTests
{
    [Fact]
    public void Words_KeepTheirText_AndReadALowerCaseKeyWithoutPossessive_AndASingularStem()
    {
        var words = PromptTokenizer.Tokenize("The user's Hours").Words;

        Assert.Equal<PromptWord>(
            [
                new PromptWord("The", "the", "the", StartsSentence: true, AfterHyphen: false, IsNumber: false),
                new PromptWord("user's", "user", "user", StartsSentence: false, AfterHyphen: false, IsNumber: false),
                new PromptWord("Hours", "hours", "hour", StartsSentence: false, AfterHyphen: false, IsNumber: false),
            ],
            words);
    }

    [Fact]
    public void HyphenatedWords_AreSplit_AndThePartAfterTheHyphenIsMarked()
    {
        var words = PromptTokenizer.Tokenize("nut-free pesto").Words;

        Assert.Equal(["nut", "free", "pesto"], words.Select(w => w.Text));
        Assert.Equal([false, true, false], words.Select(w => w.AfterHyphen));
    }

    [Theory]
    [InlineData("bake 4h", "bake|4|hour")]
    [InlineData("the 1st step", "the|1|step")]
    [InlineData("10k runners", "10|thousand|runners")]
    [InlineData("laptops under $1,000", "laptops|under|$|1,000")]
    [InlineData("convert 100°F", "convert|100|fahrenheit")]
    [InlineData("London→Tokyo", "London|→|Tokyo")]
    [InlineData("on 2025-01-01 at 4.5", "on|2025-01-01|at|4.5")]
    public void NumbersUnitsAndSymbols_AreWordsOfTheirOwn(string prompt, string expected)
    {
        var words = PromptTokenizer.Tokenize(prompt).Words;

        Assert.Equal(expected.Split('|'), words.Select(w => w.Text));
        Assert.Equal(expected.Split('|').Select(w => char.IsAsciiDigit(w[0])), words.Select(w => w.IsNumber));
    }

    [Fact]
    public void AWordBeforePunctuation_EndsAClause_AndAWordAfterAColonOrComma_StartsASentence()
    {
        var words = PromptTokenizer.Tokenize("No, the guides: Tutorials").Words;

        Assert.Equal([true, false, true, false], words.Select(w => w.EndsClause));
        Assert.Equal([true, true, false, true], words.Select(w => w.StartsSentence));
    }

    [Fact]
    public void Quotes_AreReadAsWrittenInsideTheirMarks_IncludingEscapedAndCurlyOnes()
    {
        var tokens = PromptTokenizer.Tokenize("what does `git rebase` do in \\\"Pro Git\\\" or \u201Cthe manual\u201D, 'ch. 3'");

        Assert.Equal<string>(["git rebase", "Pro Git", "the manual", "ch. 3"], tokens.Quotes);
    }

    [Fact]
    public void SearchOperators_AreLiftedOut_WithTheirValuesSorted_AndStillReadAsWords()
    {
        var tokens = PromptTokenizer.Tokenize("tag:b sort:Recent tag:a outage note:this");

        Assert.Equal(["sort", "tag"], tokens.Operators.Keys);
        Assert.Equal(["recent"], tokens.Operators["sort"]);
        Assert.Equal(["a", "b"], tokens.Operators["tag"]);
        Assert.Equal(["tag", "b", "sort", "recent", "tag", "a", "outage", "note", "this"], tokens.Words.Select(w => w.Text));
    }
}
