using System.Globalization;
using System.Text.RegularExpressions;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Tests.Embeddings;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cli;

[Collection(EmbedderCollection.Name)] // the command loads the model too: not at the same time as the embedding tests
[Trait("Category", "Integration")]
public sealed partial class EvalSemanticCommandTests
{
    [Fact]
    public async Task EvalSemantic_OnLangCache_PrintsEachDecision_AndTheDefaultMeetsTheGoal()
    {
        var (exitCode, output) = await CliRunner.RunAsync("eval-semantic", "--pairs", SemanticPairData.PathOf(SemanticPairData.LangCache));

        Assert.True(exitCode == 0, output);
        Assert.Contains("334 pairs (168 same meaning, 166 not); a pair hits when cosine ≥ 0.85", output, StringComparison.Ordinal);
        var guarded = RowOf(output, "configured (calibrated by default)");
        var rules = RowOf(output, "rules only");
        var plain = RowOf(output, "off (plain cosine)");
        Assert.True(guarded.Precision >= 0.95 && guarded.Recall >= 0.60, output);
        Assert.True(rules.Precision >= 0.95, output);
        Assert.True(plain.Precision < guarded.Precision, output);
        Assert.Contains("The decision refused", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalSemantic_OnGptCacheJson_PrintsTheShareOfPairsThatHit()
    {
        // The first 40 paraphrases keep the test short; the whole file is scored in SemanticEvaluationTests.
        var file = Path.Combine(Path.GetTempPath(), $"gptcache-head-{Guid.NewGuid():N}.json");
        var pairs = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(SemanticPairData.PathOf(SemanticPairData.GptCache)))!.AsArray();
        await File.WriteAllTextAsync(file, new System.Text.Json.Nodes.JsonArray([.. pairs.Take(40).Select(p => p!.DeepClone())]).ToJsonString());
        try
        {
            var (exitCode, output) = await CliRunner.RunAsync("eval-semantic", "--pairs", file, "--threshold", "0.80");

            Assert.True(exitCode == 0, output);
            Assert.Contains("40 pairs (40 same meaning, 0 not); a pair hits when cosine ≥ 0.80", output, StringComparison.Ordinal);
            Assert.Matches(HitSharePattern(), output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Quora's question-pairs layout: id columns, question1, question2, is_duplicate; as CSV and as tab-separated.
    [Theory]
    [InlineData("quora.csv", "id,qid1,qid2,question1,question2,is_duplicate\n0,1,2,How do I learn Python quickly?,What is the fastest way to learn Python?,1\n1,3,4,\"What is 2+2, really?\",How tall is Mount Everest?,0\n2,5,6,How can I lose weight fast?,What is the quickest way to lose weight?,1\n")]
    [InlineData("quora.tsv", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n0\t1\t2\tHow do I learn Python quickly?\tWhat is the fastest way to learn Python?\t1\n1\t3\t4\tWhat is 2+2, really?\tHow tall is Mount Everest?\t0\n2\t5\t6\tHow can I lose weight fast?\tWhat is the quickest way to lose weight?\t1\n")]
    public async Task EvalSemantic_OnQuoraQuestionPairs_ReadsTheirHeader(string name, string text)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}-{name}");
        await File.WriteAllTextAsync(file, text);
        try
        {
            var (exitCode, output) = await CliRunner.RunAsync("eval-semantic", "--pairs", file);

            Assert.True(exitCode == 0, output);
            Assert.Contains("3 pairs (2 same meaning, 1 not)", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task EvalSemantic_WithFolds_PrintsMeanAndSpreadPerDecision_TheSweepAndTheCalibration()
    {
        var (exitCode, output) = await CliRunner.RunAsync(
            "eval-semantic", "--pairs", SemanticPairData.PathOf(SemanticPairData.LangCache), "--folds", "3", "--curve");

        Assert.True(exitCode == 0, output);
        Assert.Contains("3-fold cross-validation by prompt group", output, StringComparison.Ordinal);
        Assert.Matches(@"│ langcache-dev\.csv\s+│ calibrated │ \d\.\d{3} ± \d\.\d{3} │ \d\.\d{3} ± \d\.\d{3} │", output);
        Assert.Matches(@"│ related questions \(mined\)\s+│ rules\s+│ \d\.\d{3} ± ", output);
        Assert.Contains("langcache-dev.csv (out-of-fold): threshold sweeps", output, StringComparison.Ordinal);
        Assert.Contains("Highest recall at precision ≥ 0.95: calibrated ", output, StringComparison.Ordinal);
        Assert.Contains("calibration (pairs with cosine ≥ 0.85)", output, StringComparison.Ordinal);

        var (badExit, bad) = await CliRunner.RunAsync("eval-semantic", "--pairs", SemanticPairData.PathOf(SemanticPairData.LangCache), "--folds", "1");
        Assert.Equal(ExitCodes.Usage, badExit);
        Assert.Equal("error: --folds must be at least 2; got 1.", bad.Trim());
    }

    [Fact]
    public async Task EvalSemantic_MissingOrMalformedFile_IsOneErrorLine()
    {
        var (missingExit, missing) = await CliRunner.RunAsync("eval-semantic", "--pairs", "/no/such/pairs.csv");
        Assert.Equal(ExitCodes.Usage, missingExit);
        Assert.Equal("error: --pairs '/no/such/pairs.csv' does not exist.", missing.Trim());

        var file = Path.Combine(Path.GetTempPath(), $"bad-pairs-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "question,answer\na,b\n");
        try
        {
            var (badExit, bad) = await CliRunner.RunAsync("eval-semantic", "--pairs", file);
            Assert.Equal(ExitCodes.Usage, badExit);
            Assert.StartsWith("error:", bad.Trim(), StringComparison.Ordinal);
            Assert.Contains("sentence1,sentence2,label", bad, StringComparison.Ordinal);
            Assert.Contains("question1,question2,is_duplicate", bad, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (double Precision, double Recall) RowOf(string output, string guard)
    {
        var row = output.Split('\n').Single(line => line.Contains($"│ {guard} ", StringComparison.Ordinal));
        var cells = row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return (double.Parse(cells[1], CultureInfo.InvariantCulture), double.Parse(cells[2], CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"Every pair is a paraphrase: \d+(\.\d)? % of pairs hit with the guard, \d+(\.\d)? % without it\.")]
    private static partial Regex HitSharePattern();
}
