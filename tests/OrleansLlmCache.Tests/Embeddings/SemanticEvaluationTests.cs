using OrleansLlmCache.Embeddings.Evaluation;
using OrleansLlmCache.Embeddings.Guard;
using Xunit.Abstractions;

namespace OrleansLlmCache.Tests.Embeddings;

/// <summary>
/// The goals, measured under cross-validation (held-out folds by prompt group, the model retrained for each fold on the
/// other folds' pairs and perturbations): on langcache's hard negatives precision at least 0.95 with recall at least
/// 0.60; on related questions mined from both files precision at least 0.88 with recall at least 0.50; and on GPTCache's
/// paraphrases at least 80 % hit. Never on the pairs a model was trained on.
/// </summary>
[Collection(EmbedderCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SemanticEvaluationTests(EmbedderFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task CrossValidated_TheCalibratedDecision_MeetsTheGoals_OnHeldOutFolds()
    {
        var langCache = SemanticPairFile.Load(SemanticPairData.PathOf(SemanticPairData.LangCache));
        var gptCache = SemanticPairFile.Load(SemanticPairData.PathOf(SemanticPairData.GptCache));
        Assert.Equal(334, langCache.Count);
        Assert.Equal(999, gptCache.Count);

        // Every fourth GPTCache pair: their long sentences and perturbations take most of the embedding time on 2 cores.
        // `llmcache eval-semantic --folds 5` runs both files whole (docs/semantic-guard.md has the figures).
        SemanticPairSet[] sets = [new("langcache", langCache), new("gptcache", [.. gptCache.Where((_, i) => i % 4 == 0)])];
        var validation = await new SemanticCrossValidator(fixture.Embedder).RunAsync(sets, folds: 5);
        foreach (var set in validation.Sets)
        {
            output.WriteLine($"{set.Name}: calibrated P {set.Summarise(f => f.Calibrated.Precision)} R {set.Summarise(f => f.Calibrated.Recall)}; rules P {set.Summarise(f => f.Rules.Precision)} R {set.Summarise(f => f.Rules.Recall)}; cosine P {set.Summarise(f => f.Cosine.Precision)}");
        }

        var hard = validation.Sets.Single(s => s.Name == "langcache");
        var related = validation.Sets.Single(s => s.Name == "related questions (mined)");
        var paraphrases = validation.Sets.Single(s => s.Name == "gptcache");
        Assert.Equal(5, hard.Folds.Count);
        Assert.Equal(langCache.Count, hard.Pairs.Count);

        // Pooled over the held-out folds: every pair scored exactly once, by a model that never saw its group.
        var hardScore = DecisionCurves.Score(hard.Pairs, p => p.Similarity >= validation.Threshold && p.Probability >= validation.MinimumProbability);
        Assert.True(hardScore.Precision >= 0.95, $"langcache precision {hardScore.Precision:0.000}; the goal is 0.95");
        Assert.True(hardScore.Recall >= 0.60, $"langcache recall {hardScore.Recall:0.000}; the goal is 0.60");
        Assert.InRange(hard.Summarise(f => f.Cosine.Precision).Mean, 0.70, 0.85); // plain cosine 0.85: about 0.78

        var relatedScore = DecisionCurves.Score(related.Pairs, p => p.Similarity >= validation.Threshold && p.Probability >= validation.MinimumProbability);
        Assert.True(relatedScore.Precision >= 0.88 && relatedScore.Recall >= 0.50, $"related questions: P {relatedScore.Precision:0.000} R {relatedScore.Recall:0.000}");

        var paraphraseScore = DecisionCurves.Score(paraphrases.Pairs, p => p.Similarity >= validation.Threshold && p.Probability >= validation.MinimumProbability);
        Assert.True(paraphraseScore.Recall >= 0.80, $"{paraphraseScore.Recall:P1} of held-out paraphrases hit; the goal is 80 %");
    }

    [Fact]
    public async Task ShippedDecision_OnGptCacheParaphrases_ServesNoWrongAnswer_AndMostHit()
    {
        var all = SemanticPairFile.Load(SemanticPairData.PathOf(SemanticPairData.GptCache));
        Assert.All(all, p => Assert.True(p.SameMeaning));

        // Every second pair: the long paraphrases take about 8 ms each to embed on 2 cores. The shipped model was trained
        // on this file, so this checks the shipped file and the decision end to end, not generalisation (the
        // cross-validated test above does that).
        var pairs = all.Where((_, i) => i % 2 == 1).ToList();

        var evaluation = await new SemanticEvaluator(fixture.Embedder).EvaluateAsync(pairs);
        output.WriteLine($"calibrated: {evaluation.WithGuard.HitShare:P1} hit; rules: {evaluation.WithRules.HitShare:P1}; plain cosine: {evaluation.WithoutGuard.HitShare:P1}");

        Assert.True(evaluation.AllSameMeaning);
        Assert.True(evaluation.WithGuard.HitShare >= 0.80, $"{evaluation.WithGuard.HitShare:P1} of paraphrases hit; the goal is 80 %");
        Assert.Equal(0, evaluation.WithGuard.FalsePositives);
        Assert.All(evaluation.Decisions.Where(d => d.Decision.IsHit), d => Assert.True(d.Decision.Probability >= SemanticMatchOptions.DefaultMinimumProbability));
    }

    [Fact]
    public void ThePairData_ShipsWithItsLicences()
    {
        string[] files = [SemanticPairData.LangCache, SemanticPairData.GptCache, SemanticPairData.Generated, "LICENSE-langcache", "LICENSE-gptcache"];
        foreach (var file in files)
        {
            var path = SemanticPairData.PathOf(file);
            Assert.True(File.Exists(path) && new FileInfo(path).Length > 0, $"{path} is missing or empty: a fresh clone needs it");
        }
    }

    [Fact]
    public void PairFiles_ReadQuotedCsvAndGptCacheJson_AndNameWhatIsWrong()
    {
        var csv = SemanticPairFile.ParseCsv("sentence1,sentence2,label\n\"a, with comma\",\"say \"\"hi\"\"\",1\nx,y,0\n");
        Assert.Equal([new SemanticPair("a, with comma", "say \"hi\"", true), new SemanticPair("x", "y", false)], csv);

        var quora = SemanticPairFile.ParseCsv("id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\r\n7\t1\t2\tWhy is the sky \"blue\"?\tWhat makes the sky blue?\t1\r\n");
        Assert.Equal([new SemanticPair("Why is the sky \"blue\"?", "What makes the sky blue?", true)], quora);

        var json = SemanticPairFile.ParseGptCacheJson("""[{"origin": "o", "similar": "s"}]""");
        Assert.Equal([new SemanticPair("o", "s", true)], json);

        Assert.Contains("header", Assert.Throws<FormatException>(() => SemanticPairFile.ParseCsv("a,b\n1,2\n")).Message, StringComparison.Ordinal);
        Assert.Contains("record 2", Assert.Throws<FormatException>(() => SemanticPairFile.ParseCsv("sentence1,sentence2,label\nx,y,maybe\n")).Message, StringComparison.Ordinal);
        Assert.Contains("entry 0", Assert.Throws<FormatException>(() => SemanticPairFile.ParseGptCacheJson("""[{"origin": 1}]""")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scores_ComputePrecisionRecallF1AndHitShare()
    {
        var score = new HitDecisionScore(TruePositives: 8, FalsePositives: 2, FalseNegatives: 2, TrueNegatives: 8);

        Assert.Equal(0.8, score.Precision, 9);
        Assert.Equal(0.8, score.Recall, 9);
        Assert.Equal(0.8, score.F1, 9);
        Assert.Equal(0.5, score.HitShare, 9);
        Assert.Equal(0, new HitDecisionScore(0, 0, 0, 0).F1);
    }
}
