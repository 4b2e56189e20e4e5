using OrleansLlmCache.Embeddings.Evaluation;
using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Tests.Embeddings.Matching;

public sealed class PromptPerturberTests
{
    [Fact]
    public void Perturb_IsDeterministic_AndEveryEditChangesThePrompt()
    {
        const string prompt = "Find the 5 cheapest flights from London to Tokyo in June with no layovers";

        var first = PromptPerturber.Perturb(prompt, ["Paris", "Berlin"]);
        var second = PromptPerturber.Perturb(prompt, ["Paris", "Berlin"]);

        Assert.Equal(first, second);
        Assert.Equal(3, first.Count(p => !p.SameMeaning));
        Assert.Single(first, p => p.SameMeaning);
        Assert.All(first, p => Assert.NotEqual(prompt, p.Text));
        Assert.Equal(first.Count, first.Select(p => p.Kind).Distinct().Count());
    }

    [Theory]
    [InlineData("convert 10 USD to EUR", "number")]
    [InlineData("convert 10 USD to EUR", "direction")]
    [InlineData("Python is not a compiled language", "negation")]
    [InlineData("list all files in the folder", "quantifier")]
    [InlineData("upload a file to the server", "opposite")]
    public void Perturb_MakesTheHardNegativesOfEachKind_ThatTheRulesOrTheWordsCanSee(string prompt, string kind)
    {
        var negatives = PromptPerturber.Perturb(prompt, ["Paris"], negatives: 20).Where(p => p.Kind == kind).ToList();

        var negative = Assert.Single(negatives);
        Assert.False(negative.SameMeaning);
        Assert.NotEqual(prompt, negative.Text);
    }

    [Fact]
    public void Perturb_DirectionSwapsTheEndpoints_AndTheRuleSeesIt()
    {
        var reversed = PromptPerturber.Perturb("convert 10 USD to EUR", [], negatives: 20).Single(p => p.Kind == "direction");

        Assert.Equal("convert 10 EUR to USD", reversed.Text);
        Assert.Equal(GuardReason.Direction, SemanticPrecisionGuard.Check("convert 10 USD to EUR", reversed.Text).Reason);
    }

    [Fact]
    public void Groups_PutAPromptItsParaphraseAndItsNegativesInOneFold_AndDealFoldsEvenly()
    {
        var groups = new TextGroups();
        groups.Join("weather in Paris", "Paris weather");
        groups.Join("Paris weather", "weather in Lyon");
        for (var i = 0; i < 100; i++)
        {
            groups.Join($"question {i}", $"paraphrase {i}");
        }

        var foldOf = groups.AssignFolds(5);

        Assert.Equal(foldOf("weather in Paris"), foldOf("weather in lyon")); // case-folded, joined through a shared prompt
        Assert.True(groups.SameGroup("WEATHER IN PARIS", "weather in Lyon"));
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(foldOf($"question {i}"), foldOf($"paraphrase {i}")));
        var sizes = Enumerable.Range(0, 100).Select(i => foldOf($"question {i}")).Append(foldOf("weather in Paris"))
            .GroupBy(fold => fold).Select(g => g.Count()).ToList();
        Assert.Equal(5, sizes.Count);
        Assert.InRange(sizes.Max() - sizes.Min(), 0, 1);
    }
}
