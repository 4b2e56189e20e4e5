using OrleansLlmCache.Embeddings.Evaluation;
using Xunit.Abstractions;

namespace OrleansLlmCache.Tests.Embeddings;

/// <summary>
/// The semantic cache's precision goals, on public data with the shipped defaults (cosine 0.85 and the precision guard): on langcache's hard
/// negatives precision at least 0.95 with recall at least 0.60; on GPTCache's paraphrases at least 85 % of pairs hit.
/// </summary>
[Collection(EmbedderCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SemanticEvaluationTests(EmbedderFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task LangCacheHardNegatives_WithTheGuard_ReachPrecision095AndRecall060_WherePlainCosineCannot()
    {
        var pairs = SemanticPairFile.Load(SemanticPairData.PathOf(SemanticPairData.LangCache));
        Assert.Equal(334, pairs.Count);

        var evaluation = await new SemanticEvaluator(fixture.Embedder).EvaluateAsync(pairs);
        output.WriteLine($"guard on:  {evaluation.WithGuard}, P {evaluation.WithGuard.Precision:0.000} R {evaluation.WithGuard.Recall:0.000} F1 {evaluation.WithGuard.F1:0.000}");
        output.WriteLine($"guard off: {evaluation.WithoutGuard}, P {evaluation.WithoutGuard.Precision:0.000} R {evaluation.WithoutGuard.Recall:0.000}");

        Assert.True(evaluation.WithGuard.Precision >= 0.95, $"precision {evaluation.WithGuard.Precision:0.000} with the guard; the goal is 0.95");
        Assert.True(evaluation.WithGuard.Recall >= 0.60, $"recall {evaluation.WithGuard.Recall:0.000} with the guard; the goal is 0.60");
        Assert.InRange(evaluation.WithoutGuard.Precision, 0.70, 0.85); // the data's README: plain cosine 0.85 gives about 0.78
    }

    [Fact]
    public async Task GptCacheParaphrases_WithTheGuard_AtLeast85PercentHit()
    {
        var all = SemanticPairFile.Load(SemanticPairData.PathOf(SemanticPairData.GptCache));
        Assert.Equal(999, all.Count);
        Assert.All(all, p => Assert.True(p.SameMeaning));

        // Every second pair: the long paraphrases take about 8 ms each to embed on 2 cores, and half the file keeps this
        // test near 10 s. `llmcache eval-semantic` scores the whole file (docs/semantic-guard.md: 87.7 %; each half 87.6 % and 87.8 %).
        var pairs = all.Where((_, i) => i % 2 == 1).ToList();

        var evaluation = await new SemanticEvaluator(fixture.Embedder).EvaluateAsync(pairs);
        output.WriteLine($"guard on: {evaluation.WithGuard.HitShare:P1} hit; guard off: {evaluation.WithoutGuard.HitShare:P1}");

        Assert.True(evaluation.AllSameMeaning);
        Assert.True(evaluation.WithGuard.HitShare >= 0.85, $"{evaluation.WithGuard.HitShare:P1} of paraphrases hit with the guard; the goal is 85 %");
        Assert.Equal(0, evaluation.WithGuard.FalsePositives);
    }

    [Fact]
    public void ThePairData_ShipsWithItsLicences()
    {
        string[] files = [SemanticPairData.LangCache, SemanticPairData.GptCache, "LICENSE-langcache", "LICENSE-gptcache"];
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
