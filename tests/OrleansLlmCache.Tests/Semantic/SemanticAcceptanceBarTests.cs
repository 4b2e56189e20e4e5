using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Grains.Semantic;

namespace OrleansLlmCache.Tests.Semantic;

/// <summary>The acceptance bar a scope's feedback implies for a maximum error rate, and the bound it rests on.</summary>
public sealed class SemanticAcceptanceBarTests
{
    private const double Floor = 0.4;
    private const double Step = 0.05;

    [Fact]
    public void WithoutEnoughReports_TheBarIsTheFloor()
    {
        var reports = Enumerable.Repeat((0.6, true), 19).ToList();

        Assert.Equal(Floor, SemanticAcceptanceBar.Compute(reports, Floor, 0.5, minimumReports: 20, Step));
    }

    [Fact]
    public void WrongReports_RaiseTheBar_ToTheFirstStepAboveTheProbabilityTheyWereServedAt()
    {
        var reports = Enumerable.Repeat((0.62, true), 20).ToList();

        var bar = SemanticAcceptanceBar.Compute(reports, Floor, 0.5, minimumReports: 20, Step);

        Assert.Equal(0.65, bar, 9);
    }

    [Fact]
    public void RightReports_NeverRaiseTheBar_AndMixedOnesLowerItAsTheyProveTheTarget()
    {
        Assert.Equal(Floor, SemanticAcceptanceBar.Compute(Enumerable.Repeat((0.5, false), 500).ToList(), Floor, 0.05, 20, Step));

        // 20 wrong at 0.46 among 400 right at 0.7: judged at 0.4 they are 20/420 wrong (upper bound about 7 %), so a
        // 5 % target lifts the bar past them; 2,000 right answers prove the rate and let it back down to the floor.
        var fewRight = Enumerable.Repeat((0.46, true), 20).Concat(Enumerable.Repeat((0.7, false), 400)).ToList();
        var manyRight = Enumerable.Repeat((0.46, true), 20).Concat(Enumerable.Repeat((0.7, false), 2_000)).ToList();
        Assert.Equal(0.5, SemanticAcceptanceBar.Compute(fewRight, Floor, 0.05, 20, Step), 9);
        Assert.Equal(Floor, SemanticAcceptanceBar.Compute(manyRight, Floor, 0.05, 20, Step));
    }

    [Fact]
    public void WhenNoStepHoldsTheTarget_TheBarIsTheCeiling_AndNeverBelowTheFloor()
    {
        var reports = Enumerable.Repeat((0.9999, true), 100).ToList();

        Assert.Equal(SemanticAcceptanceBar.Ceiling, SemanticAcceptanceBar.Compute(reports, Floor, 0.05, 20, Step));
        Assert.All(
            new[] { 0.0, 0.4, 0.8 },
            floor => Assert.True(SemanticAcceptanceBar.Compute(Enumerable.Repeat((0.99, false), 200).ToList(), floor, 0.05, 20, Step) >= floor));
    }

    [Theory]
    [InlineData(0.05, 20, 73)]
    [InlineData(0.5, 5, 5)]
    [InlineData(0.5, 2, 4)]
    public void RequiredReports_AreEnoughForFlawlessReportsToProveTheTarget(double target, int minimum, int expected)
    {
        var required = SemanticAcceptanceBar.RequiredReports(target, minimum);

        Assert.Equal(expected, required);
        Assert.True(SemanticFeedbackRow.WilsonUpperBound(0, required) <= target);
    }

    [Fact]
    public void TheWilsonUpperBound_IsOneWithoutReports_AndShrinksTowardsTheObservedRate()
    {
        Assert.Equal(1, SemanticFeedbackRow.WilsonUpperBound(0, 0));
        Assert.InRange(SemanticFeedbackRow.WilsonUpperBound(5, 100), 0.05, 0.12);
        Assert.InRange(SemanticFeedbackRow.WilsonUpperBound(50, 1_000), 0.05, 0.066);
        Assert.Equal(0.5, new SemanticFeedbackRow("t", "n", 5, 5, 0).ErrorRate);
    }
}
