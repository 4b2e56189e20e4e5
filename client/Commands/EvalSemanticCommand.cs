using System.CommandLine;
using System.Globalization;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Embeddings.Evaluation;
using OrleansLlmCache.Embeddings.Guard;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache eval-semantic</c>: scores the semantic cache's hit decision on labelled prompt pairs, guard on and off.</summary>
internal static class EvalSemanticCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var pairsFile = new Option<string>("--pairs")
        {
            Description = "Labelled pairs: a CSV or tab-separated file with header sentence1,sentence2,label or Quora's question1,question2,is_duplicate (1 = same meaning), or GPTCache's JSON [{origin, similar}] (all paraphrases).",
            Required = true,
        };
        var threshold = new Option<float>("--threshold")
        {
            Description = "The cosine threshold of a semantic hit.",
            DefaultValueFactory = _ => new SemanticMatchOptions().Threshold,
        };
        var showErrors = new Option<int>("--show-errors") { Description = "Also list up to N pairs the guarded decision got wrong, with the guard's reason." };
        var command = new Command(
            "eval-semantic",
            "Embed labelled prompt pairs with all-MiniLM-L6-v2 and print precision, recall and F1 of the cache's hit decision with the precision guard (the shipped default) and without it.")
        {
            pairsFile, threshold, showErrors,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var path = parse.GetValue(pairsFile)!;
            if (!File.Exists(path))
            {
                throw new CommandFailure($"--pairs '{path}' does not exist.");
            }

            var options = new SemanticMatchOptions { Threshold = parse.GetValue(threshold) };
            options.Validate();
            var pairs = SemanticPairFile.Load(path);
            if (pairs.Count == 0)
            {
                throw new CommandFailure($"--pairs '{path}' holds no pairs.");
            }

            console.MarkupLineInterpolated($"Embedding the prompts of {pairs.Count:N0} pairs with all-MiniLM-L6-v2 (ONNX Runtime, on this machine)...");
            await using var embedder = new OnnxTextEmbedder();
            var evaluation = await new SemanticEvaluator(embedder, options).EvaluateAsync(pairs, ct);
            Render(console, Path.GetFileName(path), evaluation);
            ShowErrors(console, evaluation, parse.GetValue(showErrors));
            return 0;
        }));
        return command;
    }

    private static void Render(IAnsiConsole console, string file, SemanticEvaluation evaluation)
    {
        var positives = evaluation.Decisions.Count(d => d.Pair.SameMeaning);
        var threshold = evaluation.Threshold.ToString("0.00", CultureInfo.InvariantCulture);
        var table = new Table()
            .Title($"[bold]Semantic hits on {Markup.Escape(file)}[/]")
            .AddColumn("guard")
            .AddColumn(new TableColumn("precision").RightAligned())
            .AddColumn(new TableColumn("recall").RightAligned())
            .AddColumn(new TableColumn("F1").RightAligned())
            .AddColumn(new TableColumn("hits").RightAligned())
            .AddColumn(new TableColumn("wrong hits").RightAligned())
            .AddColumn(new TableColumn("missed reuses").RightAligned());
        console.MarkupLineInterpolated(
            $"{evaluation.Pairs:N0} pairs ({positives:N0} same meaning, {evaluation.Pairs - positives:N0} not); a pair hits when cosine ≥ {threshold} and, with the guard on, the precision guard passes.");
        AddRow(table, "on (default)", evaluation.WithGuard);
        AddRow(table, "off", evaluation.WithoutGuard);
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
                $"The guard refused {refusals.Sum(r => r.Count)} near neighbours above the threshold: {string.Join(", ", refusals.Select(r => $"{r.Reason} {r.Count}"))}.");
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
