using System.Globalization;
using System.Text;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Embeddings.Guard;
using OrleansLlmCache.Embeddings.Matching;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>
/// Trains the calibrated decision and measures it honestly. <see cref="RunAsync"/> splits public pair files into folds
/// by prompt group, trains on all folds but one (their pairs, perturbations of their prompts, mined neighbours) and
/// scores the held-out fold's public pairs and mined neighbours, for every fold; plain cosine and the guard's rules are
/// scored on the same folds. <see cref="TrainAsync"/> trains the shipped model on everything with the same recipe.
/// </summary>
public sealed class SemanticCrossValidator
{
    // The shipped model's calibration is fitted on held-out predictions of this many folds.
    private const int CalibrationFolds = 5;

    private readonly ITextEmbedder _embedder;
    private readonly SemanticMatchOptions _options;

    /// <summary>Creates a validator that embeds with <paramref name="embedder"/> and scores with the threshold and the
    /// probability target of <paramref name="options"/> (the shipped defaults when null or when its target is null).</summary>
    public SemanticCrossValidator(ITextEmbedder embedder, SemanticMatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        _embedder = embedder;
        _options = options ?? new SemanticMatchOptions();
        _options.Validate();
    }

    /// <summary>Cross-validates the three decisions on <paramref name="sets"/> with <paramref name="folds"/> folds.</summary>
    public async Task<CrossValidation> RunAsync(IReadOnlyList<SemanticPairSet> sets, int folds = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "Cross-validation needs at least 2 folds.");
        }

        var training = await TrainingSet.BuildAsync(_embedder, sets, folds, cancellationToken);
        var target = _options.MinimumProbability ?? SemanticMatchOptions.DefaultMinimumProbability;
        var scored = new List<(TrainingPair Pair, ScoredPair Score)>();
        var trainedOn = 0;
        for (var fold = 0; fold < folds; fold++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var trainingPairs = training.Pairs.Where(p => p.Fold != fold).ToList();
            trainedOn += trainingPairs.Count;
            var model = MatchModelTrainer.Fit(trainingPairs, $"fold {fold}");
            scored.AddRange(training.Pairs
                .Where(p => p.Fold == fold && p.Source != TrainingPairSource.Perturbation)
                .Select(p => (p, new ScoredPair(p.Pair, p.Similarity, model.Probability(p.Signals.Values), p.Signals.Findings.Count == 0))));
        }

        var threshold = _options.Threshold;
        var reported = sets.Select(s => (s.Name, Pairs: scored.Where(x => x.Pair.Source == TrainingPairSource.Public && x.Pair.Set == s.Name).ToList()))
            .Append((Name: TrainingSet.NeighbourSetName, Pairs: scored.Where(x => x.Pair.Source == TrainingPairSource.Neighbour || x.Pair.Pair.SameMeaning).ToList()))
            .Select(s => new CrossValidatedSet(
                s.Name,
                [.. Enumerable.Range(0, folds).Select(fold =>
                {
                    var inFold = s.Pairs.Where(x => x.Pair.Fold == fold).Select(x => x.Score).ToList();
                    return new FoldScore(
                        DecisionCurves.Score(inFold, p => p.Similarity >= threshold),
                        DecisionCurves.Score(inFold, p => p.Similarity >= threshold && p.RulesPass),
                        DecisionCurves.Score(inFold, p => p.Similarity >= threshold && p.Probability >= target));
                })],
                [.. s.Pairs.Select(x => x.Score)]))
            .ToList();
        return new CrossValidation(folds, threshold, target, trainedOn / folds, reported);
    }

    /// <summary>Trains the model on every pair of <paramref name="sets"/>, their perturbations and mined neighbours.</summary>
    public async Task<SemanticTraining> TrainAsync(IReadOnlyList<SemanticPairSet> sets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var training = await TrainingSet.BuildAsync(_embedder, sets, CalibrationFolds, cancellationToken);
        int Count(TrainingPairSource source) => training.Pairs.Count(p => p.Source == source);
        var description = string.Create(CultureInfo.InvariantCulture,
            $"{Count(TrainingPairSource.Public)} public pairs ({string.Join(", ", sets.Select(s => s.Name))}), {Count(TrainingPairSource.Perturbation)} perturbations of their prompts, {Count(TrainingPairSource.Neighbour)} mined related-question pairs; pairs below cosine {MatchModelTrainer.MinimumSimilarity} left out");
        var model = MatchModelTrainer.Fit(training.Pairs, description);

        var csv = new StringBuilder("sentence1,sentence2,label,kind,source\n");
        foreach (var pair in training.Pairs.Where(p => p.Source != TrainingPairSource.Public))
        {
            csv.Append(Quote(pair.Pair.Prompt)).Append(',').Append(Quote(pair.Pair.CachedPrompt)).Append(',')
                .Append(pair.Pair.SameMeaning ? '1' : '0').Append(',').Append(pair.Kind).Append(',').Append(Quote(pair.Set)).Append('\n');
        }

        return new SemanticTraining(model.ToJson(), csv.ToString(), Count(TrainingPairSource.Public), Count(TrainingPairSource.Perturbation), Count(TrainingPairSource.Neighbour));
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || field.StartsWith(' ') ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
