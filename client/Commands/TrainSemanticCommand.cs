using System.CommandLine;
using OrleansLlmCache.Cli.Semantic;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Embeddings.Evaluation;
using OrleansLlmCache.Embeddings.Guard;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary>
/// <c>llmcache train-semantic</c> (hidden: run from a checkout of the repository): cross-validates the calibrated
/// semantic decision on the shipped public pairs, then trains it on all of them and writes the model file and the
/// generated training pairs.
/// </summary>
internal static class TrainSemanticCommand
{
    private const string DataDirectory = "tests/OrleansLlmCache.Tests/Embeddings/Data";

    public static Command Create(IAnsiConsole console)
    {
        var pairs = new Option<string[]>("--pairs")
        {
            Description = "Public labelled pair files to train on (as for eval-semantic).",
            DefaultValueFactory = _ => [$"{DataDirectory}/langcache-dev.csv", $"{DataDirectory}/gptcache-mock-paraphrases.json"],
            AllowMultipleArgumentsPerToken = true,
        };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds reported before training (0 to skip).", DefaultValueFactory = _ => 5 };
        var modelOut = new Option<string>("--model-out")
        {
            Description = "Where the model is written.",
            DefaultValueFactory = _ => "src/OrleansLlmCache.Embeddings/Matching/semantic-match-model.json",
        };
        var generatedOut = new Option<string>("--generated-out")
        {
            Description = "Where the generated and mined training pairs are written.",
            DefaultValueFactory = _ => $"{DataDirectory}/generated-pairs.csv",
        };
        var cache = EvalSemanticCommand.EmbeddingCacheOption();
        var command = new Command("train-semantic", "Cross-validate and train the calibrated semantic decision on public pairs; write its model file.")
        {
            pairs, folds, modelOut, generatedOut, cache,
        };
        command.Hidden = true;
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var sets = EvalSemanticCommand.LoadSets(parse.GetValue(pairs)!);
            await using var model = new OnnxTextEmbedder();
            var embedder = EvalSemanticCommand.WithCache(model, parse.GetValue(cache));
            var validator = new SemanticCrossValidator(embedder, new SemanticMatchOptions());
            if (parse.GetValue(folds) is > 1 and var k)
            {
                console.MarkupLine("Cross-validating (embedding every prompt once; the first run takes minutes)...");
                var validation = await validator.RunAsync(sets, k, ct);
                CrossValidationReport.Render(console, validation);
                foreach (var set in validation.Sets)
                {
                    CrossValidationReport.RenderCurves(console, set.Name, set.Pairs, validation.Threshold);
                }
            }

            var training = await validator.TrainAsync(sets, ct);
            await File.WriteAllTextAsync(parse.GetValue(modelOut)!, training.ModelJson + "\n", ct);
            await File.WriteAllTextAsync(parse.GetValue(generatedOut)!, training.GeneratedPairsCsv, ct);
            console.MarkupLineInterpolated(
                $"Trained on {training.PublicPairs:N0} public, {training.GeneratedPairs:N0} generated and {training.MinedPairs:N0} mined pairs; wrote {parse.GetValue(modelOut)} and {parse.GetValue(generatedOut)}.");
            return 0;
        }));
        return command;
    }
}
