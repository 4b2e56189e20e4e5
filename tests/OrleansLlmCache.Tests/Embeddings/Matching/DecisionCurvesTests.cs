using OrleansLlmCache.Embeddings.Evaluation;

namespace OrleansLlmCache.Tests.Embeddings.Matching;

public sealed class DecisionCurvesTests
{
    private static readonly ScoredPair[] Pairs =
    [
        Scored(true, 0.95f, 0.95), Scored(true, 0.93f, 0.85), Scored(true, 0.90f, 0.65), Scored(true, 0.80f, 0.99),
        Scored(false, 0.97f, 0.90), Scored(false, 0.91f, 0.30), Scored(false, 0.88f, 0.10), Scored(false, 0.70f, 0.01),
    ];

    [Fact]
    public void SweepProbability_ScoresEachTarget_AboveTheCosineThreshold()
    {
        var curve = DecisionCurves.SweepProbability(Pairs, 0.85f, [0.5, 0.92]);

        Assert.Equal(new HitDecisionScore(3, 1, 1, 3), curve[0].Score); // the 0.80-cosine paraphrase never reaches the decision
        Assert.Equal(new HitDecisionScore(1, 0, 3, 4), curve[1].Score);
        Assert.Equal(0.92, DecisionCurves.BestRecallAt(curve, 0.95)!.Threshold);
        Assert.Null(DecisionCurves.BestRecallAt(DecisionCurves.SweepProbability(Pairs, 0.99f, [0.5]), 0.5));
    }

    [Fact]
    public void SweepSimilarity_IsPlainCosine()
    {
        var curve = DecisionCurves.SweepSimilarity(Pairs, [0.85, 0.96]);

        Assert.Equal(new HitDecisionScore(3, 3, 1, 1), curve[0].Score);
        Assert.Equal(new HitDecisionScore(0, 1, 4, 3), curve[1].Score);
    }

    [Fact]
    public void Calibration_ComparesPredictedWithObserved_PerBin()
    {
        var bins = DecisionCurves.Calibration(Pairs, 0.85f, bins: 2);

        Assert.Equal(2, bins.Count);
        Assert.Equal(new CalibrationBin(0, 0.5, 2, 0.2, 0), bins[0] with { Predicted = Math.Round(bins[0].Predicted, 9) });
        Assert.Equal(4, bins[1].Pairs);
        Assert.Equal(0.75, bins[1].Observed, 9);
        Assert.Equal((0.95 + 0.85 + 0.65 + 0.90) / 4, bins[1].Predicted, 9);
    }

    [Fact]
    public void Spread_IsTheMeanAndTheSampleStandardDeviation()
    {
        var spread = Spread.Of([0.9, 1.0]);

        Assert.Equal(0.95, spread.Mean, 9);
        Assert.Equal(Math.Sqrt(0.005), spread.StandardDeviation, 9);
        Assert.Equal("0.950 ± 0.071", spread.ToString());
        Assert.Equal(default, Spread.Of([]));
    }

    private static ScoredPair Scored(bool same, float similarity, double probability) =>
        new(new SemanticPair("a", "b", same), similarity, probability, RulesPass: true);
}
