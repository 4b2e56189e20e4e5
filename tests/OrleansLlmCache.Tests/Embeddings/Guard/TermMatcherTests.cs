using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Tests.Embeddings.Guard;

public sealed class TermMatcherTests
{
    [Fact]
    public void AMention_NamesItsSetGroupSurfaceAndPosition()
    {
        var mention = Assert.Single(Find("backup Postgres daily"));

        Assert.Equal("database", mention.Set.Category);
        Assert.Equal(0, mention.Group);
        Assert.Equal("Postgres", mention.Surface);
        Assert.Equal(1, mention.Position);
    }

    [Fact]
    public void Synonyms_FallInOneGroup_AndAlternatives_InAnother()
    {
        var mentions = Find("JS or JavaScript or Python");

        Assert.All(mentions, m => Assert.Equal("programming language", m.Set.Category));
        Assert.Equal([2, 2, 0], mentions.Select(m => m.Group));
    }

    [Fact]
    public void TheLongestPhraseOfASet_Wins_AndItsWordsAreNotMatchedAgainByThatSet()
    {
        var mentions = Find("no more than 5 posts");

        Assert.Equal(["bound:no more than@0", "comparison:more@1"], mentions.Select(m => $"{m.Set.Category}:{m.Surface}@{m.Position}"));
    }

    [Theory]
    [InlineData("4 hours", "unit of time:hours")]
    [InlineData("20 mins", "unit of time:mins")]
    [InlineData("synonyms of glad", "opposite:synonyms")]
    public void APlural_MatchesItsSingularEntry_UnlessThePluralIsAnEntryOfItsOwn(string prompt, string expected) =>
        Assert.Equal(expected, Assert.Single(Find(prompt)) is var m ? $"{m.Set.Category}:{m.Surface}" : null);

    [Theory]
    [InlineData("flights in May", 1)]
    [InlineData("what may cause a leak", 0)]
    public void AnEntryMarkedCapitalised_CountsOnlyWhenCapitalised(string prompt, int months) =>
        Assert.Equal(months, Find(prompt).Count(m => m.Set.Category == "month"));

    private static IReadOnlyList<TermMention> Find(string prompt) => TermMatcher.Find(PromptTokenizer.Tokenize(prompt).Words);
}
