using System.CommandLine;
using System.Globalization;
using OrleansLlmCache.Cli.Semantic;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Embeddings.Evaluation;
using OrleansLlmCache.Embeddings.Guard;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache eval-semantic</c>: scores the semantic cache's hit decision on labelled prompt pairs, on the
/// shipped model or under cross-validation, with threshold sweeps and calibration on request.</summary>
internal static class EvalSemanticCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var pairsFile = new Option<string[]>("--pairs")
        {
            Description = "Labelled pairs: a CSV or tab-separated file with header sentence1,sentence2,label or Quora's question1,question2,is_duplicate (1 = same meaning), or GPTCache's JSON [{origin, similar}] (all paraphrases). Repeat for several files.",
            Required = true,
        };
        var threshold = new Option<float>("--threshold")
        {
            Description = "The cosine threshold of a semantic hit.",
            DefaultValueFactory = _ => new SemanticMatchOptions().Threshold,
        };
        var minimumProbability = new Option<double>("--min-probability")
        {
            Description = "The calibrated decision's probability target.",
            DefaultValueFactory = _ => SemanticMatchOptions.DefaultMinimumProbability,
        };
        var folds = new Option<int>("--folds")
        {
            Description = "Cross-validate instead: split the files' pairs into K folds by prompt group, train the calibrated decision on K-1 (their pairs and perturbations of their prompts) and score the held-out one, K times.",
        };
        var curve = new Option<bool>("--curve") { Description = "Also print the precision-recall sweep of the calibrated decision and of plain cosine, and the calibration table (predicted vs observed)." };
        var showErrors = new Option<int>("--show-errors") { Description = "Also list up to N pairs the decision got wrong, with the reason." };
        var cache = EmbeddingCacheOption();
        var command = new Command(
            "eval-semantic",
            "Embed labelled prompt pairs with all-MiniLM-L6-v2 and print precision, recall and F1 of the cache's hit decision (calibrated, the shipped default), of the guard's rules alone, and of plain cosine.")
        {
            pairsFile, threshold, minimumProbability, folds, curve, showErrors, cache,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var options = new SemanticMatchOptions { Threshold = parse.GetValue(threshold), MinimumProbability = parse.GetValue(minimumProbability) };
            options.Validate();
            var sets = LoadSets(parse.GetValue(pairsFile)!);
            await using var model = new OnnxTextEmbedder();
            var embedder = WithCache(model, parse.GetValue(cache));
            if (parse.GetValue(folds) is var k and not 0)
            {
                if (k < 2)
                {
                    throw new CommandFailure($"--folds must be at least 2; got {k}.");
                }

                console.MarkupLineInterpolated($"Embedding the prompts of {sets.Sum(s => s.Pairs.Count):N0} pairs and their perturbations with all-MiniLM-L6-v2 (ONNX Runtime, on this machine)...");
                var validation = await new SemanticCrossValidator(embedder, options).RunAsync(sets, k, ct);
                CrossValidationReport.Render(console, validation);
                if (parse.GetValue(curve))
                {
                    foreach (var set in validation.Sets)
                    {
                        CrossValidationReport.RenderCurves(console, set.Name + " (out-of-fold)", set.Pairs, validation.Threshold);
                    }
                }

                return 0;
            }

            foreach (var set in sets)
            {
                console.MarkupLineInterpolated($"Embedding the prompts of {set.Pairs.Count:N0} pairs with all-MiniLM-L6-v2 (ONNX Runtime, on this machine)...");
                var evaluation = await new SemanticEvaluator(embedder, options).EvaluateAsync(set.Pairs, ct);
                Render(console, set.Name, evaluation);
                if (parse.GetValue(curve))
                {
                    CrossValidationReport.RenderCurves(console, set.Name, evaluation.Scored, evaluation.Threshold);
                }

                ShowErrors(console, evaluation, parse.GetValue(showErrors));
            }

            return 0;
        }));
        return command;
    }

    /// <summary>The hidden option that keeps vectors between runs.</summary>
    internal static Option<string?> EmbeddingCacheOption() => new("--embedding-cache")
    {
        Description = "A file that keeps every embedded text's vector between runs, so a second run embeds only new texts.",
        Hidden = true,
    };

    internal static ITextEmbedder WithCache(ITextEmbedder embedder, string? cacheFile) =>
        cacheFile is null ? embedder : new EmbeddingCacheFile(embedder, cacheFile);

    /// <summary>Reads each file, named by its file name; a missing or empty file is a usage error naming it.</summary>
    internal static IReadOnlyList<SemanticPairSet> LoadSets(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            throw new CommandFailure("--pairs names no file.");
        }

        return [.. paths.Select(path =>
        {
            if (!File.Exists(path))
            {
                throw new CommandFailure($"--pairs '{path}' does not exist.");
            }

            var pairs = SemanticPairFile.Load(path);
            return pairs.Count == 0 ? throw new CommandFailure($"--pairs '{path}' holds no pairs.") : new SemanticPairSet(Path.GetFileName(path), pairs);
        })];
    }

    private static void Render(IAnsiConsole console, string file, SemanticEvaluation evaluation)
    {
        var positives = evaluation.Decisions.Count(d => d.Pair.SameMeaning);
        var threshold = evaluation.Threshold.ToString("0.00", CultureInfo.InvariantCulture);
        var table = new Table()
            .Title($"[bold]Semantic hits on {Markup.Escape(file)}[/]")
            .AddColumn("decision")
            .AddColumn(new TableColumn("precision").RightAligned())
            .AddColumn(new TableColumn("recall").RightAligned())
            .AddColumn(new TableColumn("F1").RightAligned())
            .AddColumn(new TableColumn("hits").RightAligned())
            .AddColumn(new TableColumn("wrong hits").RightAligned())
            .AddColumn(new TableColumn("missed reuses").RightAligned());
        console.MarkupLineInterpolated(
            $"{evaluation.Pairs:N0} pairs ({positives:N0} same meaning, {evaluation.Pairs - positives:N0} not); a pair hits when cosine ≥ {threshold} and the decision accepts it. The shipped model was trained on the repository's public pairs: cross-validate (--folds) for held-out figures on those.");
        AddRow(table, "configured (calibrated by default)", evaluation.WithGuard);
        AddRow(table, "rules only", evaluation.WithRules);
        AddRow(table, "off (plain cosine)", evaluation.WithoutGuard);
        console.Write(table);

        if (evaluation.AllSameMeaning)
        {
            console.MarkupLineInterpolated(
                $"Every pair is a paraphrase: [bold]{evaluation.WithGuard.HitShare:P1}[/] of pairs hit with the guard, {evaluation.WithoutGuard.HitShare:P1} without it.");
        }

        var refusals = evaluation.Decisions
            .Where(d => !d.Decision.IsHit && d.Decision.Reason != GuardReason.BelowThreshold)
            .GroupBy(d => d.Decision.Reason)
            .Select(g => (Reason: g.Key, Count: g.Count()))
            .OrderByDescending(r => r.Count)
            .ToList();
        if (refusals.Count > 0)
        {
            console.MarkupLineInterpolated(
                $"The decision refused {refusals.Sum(r => r.Count)} near neighbours above the threshold; the deciding signal: {string.Join(", ", refusals.Select(r => $"{r.Reason} {r.Count}"))}.");
        }
    }

    private static void AddRow(Table table, string label, HitDecisionScore score) => table.AddRow(
        Markup.Escape(label),
        score.Precision.ToString("0.000", CultureInfo.InvariantCulture),
        score.Recall.ToString("0.000", CultureInfo.InvariantCulture),
        score.F1.ToString("0.000", CultureInfo.InvariantCulture),
        score.HitShare.ToString("P1", CultureInfo.InvariantCulture),
        score.FalsePositives.ToString("N0", CultureInfo.InvariantCulture),
        score.FalseNegatives.ToString("N0", CultureInfo.InvariantCulture));

    private static void ShowErrors(IAnsiConsole console, SemanticEvaluation evaluation, int limit)
    {
        if (limit <= 0)
        {
            return;
        }

        foreach (var wrong in evaluation.Decisions.Where(d => !d.IsCorrect).Take(limit))
        {
            var (kind, why) = wrong.Decision.IsHit
                ? ("wrong answer served", string.Empty)
                : ("reuse missed", $" ({wrong.Decision.Reason}: {wrong.Decision.Explanation})");
            console.MarkupLineInterpolated(
                $"{kind}, cosine {wrong.Decision.Similarity.ToString("0.000", CultureInfo.InvariantCulture)}{why}: \"{wrong.Pair.Prompt}\" / \"{wrong.Pair.CachedPrompt}\"");
        }
    }
}
