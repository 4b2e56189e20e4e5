using System.Globalization;
using OrleansLlmCache.Embeddings.Evaluation;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Semantic;

/// <summary>Prints cross-validated figures, precision-recall sweeps and calibration tables.</summary>
internal static class CrossValidationReport
{
    public static void Render(IAnsiConsole console, CrossValidation validation)
    {
        var threshold = validation.Threshold.ToString("0.00", CultureInfo.InvariantCulture);
        var target = validation.MinimumProbability.ToString("0.00", CultureInfo.InvariantCulture);
        console.MarkupLineInterpolated(
            $"{validation.Folds}-fold cross-validation by prompt group (about {validation.TrainingPairs:N0} training pairs per fold); mean ± standard deviation over the held-out folds. Cosine ≥ {threshold} for all three; rules = the guard's veto rules; calibrated = probability ≥ {target}.");
        var table = new Table()
            .AddColumn("data")
            .AddColumn("decision")
            .AddColumn(new TableColumn("precision").RightAligned())
            .AddColumn(new TableColumn("recall").RightAligned())
            .AddColumn(new TableColumn("F1").RightAligned())
            .AddColumn(new TableColumn("wrong hits").RightAligned())
            .AddColumn(new TableColumn("pairs").RightAligned());
        foreach (var set in validation.Sets)
        {
            AddRow(table, set, "cosine", f => f.Cosine);
            AddRow(table, set, "rules", f => f.Rules);
            AddRow(table, set, "calibrated", f => f.Calibrated);
        }

        console.Write(table);
    }

    public static void RenderCurves(IAnsiConsole console, string name, IReadOnlyList<ScoredPair> pairs, float threshold)
    {
        if (pairs.All(p => p.Pair.SameMeaning) || pairs.All(p => !p.Pair.SameMeaning))
        {
            console.MarkupLineInterpolated($"{name}: every pair has the same label, so there is no precision-recall curve.");
            return;
        }

        double[] targets = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98];
        var curve = DecisionCurves.SweepProbability(pairs, threshold, targets);
        var cosine = DecisionCurves.SweepSimilarity(pairs, [0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98]);
        var table = new Table().Title($"[bold]{Markup.Escape(name)}: threshold sweeps[/]")
            .AddColumn("calibrated: probability ≥").AddColumn(new TableColumn("precision").RightAligned()).AddColumn(new TableColumn("recall").RightAligned())
            .AddColumn("cosine ≥").AddColumn(new TableColumn("precision").RightAligned()).AddColumn(new TableColumn("recall").RightAligned());
        for (var i = 0; i < Math.Max(curve.Count, cosine.Count); i++)
        {
            string[] left = i < curve.Count ? [F(curve[i].Threshold, "0.00"), F(curve[i].Score.Precision), F(curve[i].Score.Recall)] : ["", "", ""];
            string[] right = i < cosine.Count ? [F(cosine[i].Threshold, "0.00"), F(cosine[i].Score.Precision), F(cosine[i].Score.Recall)] : ["", "", ""];
            table.AddRow([.. left, .. right]);
        }

        console.Write(table);
        foreach (var precision in (double[])[0.95, 0.88])
        {
            var best = DecisionCurves.BestRecallAt(DecisionCurves.SweepProbability(pairs, threshold, Enumerable.Range(1, 99).Select(i => i / 100.0)), precision);
            var bestCosine = DecisionCurves.BestRecallAt(DecisionCurves.SweepSimilarity(pairs, Enumerable.Range(50, 50).Select(i => i / 100.0)), precision);
            console.MarkupLineInterpolated(
                $"Highest recall at precision ≥ {F(precision, "0.00")}: calibrated {(best is null ? "none" : $"{F(best.Score.Recall)} (probability ≥ {F(best.Threshold, "0.00")})")}, cosine {(bestCosine is null ? "none" : $"{F(bestCosine.Score.Recall)} (cosine ≥ {F(bestCosine.Threshold, "0.00")})")}.");
        }

        var bins = new Table().Title($"[bold]{Markup.Escape(name)}: calibration (pairs with cosine ≥ {F(threshold, "0.00")})[/]")
            .AddColumn("probability").AddColumn(new TableColumn("pairs").RightAligned())
            .AddColumn(new TableColumn("predicted").RightAligned()).AddColumn(new TableColumn("observed").RightAligned());
        foreach (var bin in DecisionCurves.Calibration(pairs, threshold, 5).Where(b => b.Pairs > 0))
        {
            bins.AddRow($"{F(bin.From, "0.0")}–{F(bin.To, "0.0")}", bin.Pairs.ToString(CultureInfo.InvariantCulture), F(bin.Predicted), F(bin.Observed));
        }

        console.Write(bins);
    }

    private static void AddRow(Table table, CrossValidatedSet set, string decision, Func<FoldScore, HitDecisionScore> score)
    {
        var paraphrasesOnly = set.AllSameMeaning;
        table.AddRow(
            Markup.Escape(set.Name),
            decision,
            paraphrasesOnly ? "–" : set.Summarise(f => score(f).Precision).ToString(),
            set.Summarise(f => score(f).Recall).ToString(),
            paraphrasesOnly ? "–" : set.Summarise(f => score(f).F1).ToString(),
            set.Folds.Sum(f => score(f).FalsePositives).ToString(CultureInfo.InvariantCulture),
            set.Pairs.Count.ToString(CultureInfo.InvariantCulture));
    }

    private static string F(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);
}
