using OrleansLlmCache.Embeddings.Evaluation;

namespace OrleansLlmCache.Embeddings.Matching;

/// <summary>The training recipe of the shipped <see cref="MatchModel"/>, used alike for each cross-validation fold and
/// for the model that ships, so the cross-validated figures describe the shipped recipe.</summary>
internal static class MatchModelTrainer
{
    /// <summary>Pairs below this cosine never reach the decision (no threshold is set this low), so they teach it nothing.</summary>
    public const float MinimumSimilarity = 0.5f;

    /// <summary>How much a generated pair counts against a public one: there are many more of them, and they are cleaner
    /// than real traffic.</summary>
    public const double PerturbationWeight = 0.5;

    /// <summary>The ridge penalty on standardised weights.</summary>
    public const double L2 = 1.0;

    /// <summary>The probability is calibrated on the pairs the decision really sees: real pairs above the default threshold.</summary>
    public const float CalibrationSimilarity = 0.85f;

    /// <summary>Fits the model on <paramref name="pairs"/>, then calibrates its probability on held-out predictions:
    /// one model per fold present in <paramref name="pairs"/> is trained without that fold and scores its public and
    /// mined pairs, and a Platt scaling is fitted to those scores.</summary>
    public static MatchModel Fit(IReadOnlyList<TrainingPair> pairs, string trainedOn)
    {
        var model = FitUncalibrated(pairs, trainedOn);
        var heldOut = new List<(double Score, bool SameMeaning)>();
        foreach (var fold in pairs.Select(p => p.Fold).Distinct())
        {
            var inner = FitUncalibrated([.. pairs.Where(p => p.Fold != fold)], trainedOn);
            heldOut.AddRange(pairs
                .Where(p => p.Fold == fold && p.Source != TrainingPairSource.Perturbation && p.Similarity >= CalibrationSimilarity)
                .Select(p => (inner.Score(p.Signals.Values), p.Pair.SameMeaning)));
        }

        var (slope, intercept) = Platt(heldOut);
        return model.WithCalibration(slope, intercept, trainedOn);
    }

    /// <summary>Fits <c>P(same) = σ(slope · score + intercept)</c> by Newton's method, each label weighing half (the
    /// files' mix of paraphrases and negatives is no one's traffic, so the probability assumes even odds before the
    /// evidence), with Platt's smoothed targets so that a clean separation does not drive the slope to infinity. Falls
    /// back to no scaling when it cannot fit.</summary>
    private static (double Slope, double Intercept) Platt(List<(double Score, bool SameMeaning)> scores)
    {
        var positives = scores.Count(s => s.SameMeaning);
        var negatives = scores.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return (1, 0);
        }

        double high = (positives + 1.0) / (positives + 2.0), low = 1.0 / (negatives + 2.0);
        double positiveWeight = scores.Count / (2.0 * positives), negativeWeight = scores.Count / (2.0 * negatives);
        double a = 1, b = 0;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 1e-9, hab = 0, hbb = 1e-9;
            foreach (var (score, same) in scores)
            {
                var p = 1 / (1 + Math.Exp(-(a * score + b)));
                var weight = same ? positiveWeight : negativeWeight;
                var error = weight * (p - (same ? high : low));
                var w = weight * p * (1 - p);
                ga += error * score;
                gb += error;
                haa += w * score * score;
                hab += w * score;
                hbb += w;
            }

            var det = haa * hbb - hab * hab;
            if (Math.Abs(det) < 1e-12)
            {
                break;
            }

            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            a -= da;
            b -= db;
            if (Math.Abs(da) + Math.Abs(db) < 1e-10)
            {
                break;
            }
        }

        return a > 0 && double.IsFinite(b) ? (a, b) : (1, 0);
    }

    private static MatchModel FitUncalibrated(IReadOnlyList<TrainingPair> pairs, string trainedOn)
    {
        var used = pairs.Where(p => p.Similarity >= MinimumSimilarity).ToList();
        var weights = used.Select(p => p.Source == TrainingPairSource.Perturbation ? PerturbationWeight : 1.0).ToArray();

        // Equal total weight for both labels, so the probability does not lean on how many negatives were generated.
        var positive = used.Select((p, i) => p.Pair.SameMeaning ? weights[i] : 0).Sum();
        var negative = used.Select((p, i) => p.Pair.SameMeaning ? 0 : weights[i]).Sum();
        for (var i = 0; i < used.Count; i++)
        {
            weights[i] *= used[i].Pair.SameMeaning ? (positive + negative) / (2 * positive) : (positive + negative) / (2 * negative);
        }

        return LogisticRegression.Fit([.. used.Select(p => p.Signals.Values)], [.. used.Select(p => p.Pair.SameMeaning)], weights, L2, trainedOn);
    }
}
