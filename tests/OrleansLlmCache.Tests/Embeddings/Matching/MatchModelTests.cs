using OrleansLlmCache.Embeddings.Evaluation;
using OrleansLlmCache.Embeddings.Guard;
using OrleansLlmCache.Embeddings.Matching;

namespace OrleansLlmCache.Tests.Embeddings.Matching;

public sealed class MatchModelTests
{
    [Fact]
    public void TheShippedModel_Loads_ReadsTheFeaturesThisVersionComputes_AndIsCalibrated()
    {
        var model = MatchModel.Shipped;

        Assert.Equal(MatchSignals.FeatureNames, model.Features);
        Assert.True(model.CalibrationSlope > 0);
        Assert.Contains("public pairs", model.TrainedOn, StringComparison.Ordinal);
        Assert.True(model.Weights[0] > 0, "a higher cosine must make a match likelier");
        for (var rule = 1; rule <= MatchSignals.RuleFeaturesEnd; rule++)
        {
            Assert.True(model.Weights[rule] < 0, $"the rule feature {model.Features[rule]} must make a match less likely");
        }
    }

    [Fact]
    public void Probability_RisesWithCosine_AndFallsWhenARuleFires()
    {
        var model = MatchModel.Shipped;

        var low = model.Probability(MatchSignals.Of("weather in Paris today", "weather in Paris now", 0.86f).Values);
        var high = model.Probability(MatchSignals.Of("weather in Paris today", "weather in Paris now", 0.97f).Values);
        var otherCity = MatchSignals.Of("weather in Paris", "weather in Lyon", 0.97f);

        Assert.True(high > low, $"{high} vs {low}");
        Assert.True(otherCity.Findings.ContainsKey(GuardReason.Entity));
        Assert.True(model.Probability(otherCity.Values) < high);
    }

    [Fact]
    public void Json_RoundTrips_AndABrokenFileSaysWhatIsWrong()
    {
        var model = MatchModel.Shipped;
        var copy = MatchModel.FromJson(model.ToJson(), "copy");
        var values = MatchSignals.Of("sort ascending", "sort descending", 0.95f).Values;

        Assert.Equal(model.Probability(values), copy.Probability(values), 12);
        Assert.Contains("model.json", Assert.Throws<FormatException>(() => MatchModel.FromJson("{", "model.json")).Message, StringComparison.Ordinal);
        Assert.Contains("format 1", Assert.Throws<FormatException>(() => MatchModel.FromJson("""{"format": 2}""", "m")).Message, StringComparison.Ordinal);
        var otherFeatures = model.ToJson().Replace("\"length-ratio\"", "\"word-count\"", StringComparison.Ordinal);
        Assert.Contains("retrain", Assert.Throws<FormatException>(() => MatchModel.FromJson(otherFeatures, "m")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signals_FindEveryRuleThatFires_NotOnlyTheFirst_AndTheWordingThatDiffers()
    {
        var signals = MatchSignals.Of("convert 10 USD to EUR", "convert 20 EUR to USD", 0.93f);

        Assert.True(signals.Findings.ContainsKey(GuardReason.Number));
        Assert.True(signals.Findings.ContainsKey(GuardReason.Direction));
        Assert.Equal(1.0, signals.Values[1 + MatchSignals.RuleFeatures.ToList().IndexOf(GuardReason.Direction)]);

        var salmon = MatchSignals.Of("how long to bake salmon", "how long to bake bread", 0.86f);
        Assert.Equal("wording differs: 'salmon' (new) vs 'bread' (cached)", salmon.Wording);
        Assert.True(salmon.Values[MatchSignals.RuleFeaturesEnd + 1] > 0);
    }

    [Fact]
    public void LogisticRegression_SeparatesWhatTheFeaturesSeparate_AndIsDeterministic()
    {
        // Same meaning: high cosine, no rule. Different: a rule fires, whatever the cosine.
        var samples = new List<double[]>();
        var labels = new List<bool>();
        for (var i = 0; i < 200; i++)
        {
            var same = i % 2 == 0;
            var values = new double[MatchSignals.FeatureNames.Count];
            values[0] = 0.86 + (i % 13) / 100.0;
            values[1] = same ? 0 : 1;
            samples.Add(values);
            labels.Add(same);
        }

        var weights = Enumerable.Repeat(1.0, samples.Count).ToList();
        var model = LogisticRegression.Fit(samples, labels, weights, l2: 1, "toy");
        var again = LogisticRegression.Fit(samples, labels, weights, l2: 1, "toy");

        Assert.All(samples.Zip(labels), s => Assert.Equal(s.Second, model.Probability(s.First) > 0.5));
        Assert.Equal(model.ToJson(), again.ToJson());
        Assert.Equal(1, model.DecidingFeature(samples[1])); // the rule feature decides the refusal
    }
}
