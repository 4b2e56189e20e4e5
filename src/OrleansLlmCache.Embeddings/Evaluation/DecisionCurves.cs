namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>Threshold sweeps and calibration tables over scored pairs.</summary>
public static class DecisionCurves
{
    /// <summary>The calibrated decision's score for each probability target, candidates needing a cosine of at least
    /// <paramref name="threshold"/>.</summary>
    public static IReadOnlyList<CurvePoint> SweepProbability(IReadOnlyList<ScoredPair> pairs, float threshold, IEnumerable<double> targets)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(targets);
        return [.. targets.Select(t => new CurvePoint(t, Score(pairs, p => p.Similarity >= threshold && p.Probability >= t)))];
    }

    /// <summary>Plain cosine's score for each threshold.</summary>
    public static IReadOnlyList<CurvePoint> SweepSimilarity(IReadOnlyList<ScoredPair> pairs, IEnumerable<double> thresholds)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(thresholds);
        return [.. thresholds.Select(t => new CurvePoint(t, Score(pairs, p => p.Similarity >= t)))];
    }

    /// <summary>The highest recall among the points whose precision reaches <paramref name="precision"/>, or null when none does.</summary>
    public static CurvePoint? BestRecallAt(IReadOnlyList<CurvePoint> curve, double precision)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return curve.Where(p => p.Score.TruePositives > 0 && p.Score.Precision >= precision)
            .OrderByDescending(p => p.Score.Recall)
            .ThenBy(p => p.Threshold)
            .FirstOrDefault();
    }

    /// <summary>Predicted against observed: <paramref name="bins"/> equal-width probability bins over the pairs whose
    /// cosine reaches <paramref name="threshold"/> (the only ones the probability decides).</summary>
    public static IReadOnlyList<CalibrationBin> Calibration(IReadOnlyList<ScoredPair> pairs, float threshold, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var considered = pairs.Where(p => p.Similarity >= threshold).ToList();
        var result = new List<CalibrationBin>(bins);
        for (var b = 0; b < bins; b++)
        {
            double from = (double)b / bins, to = (double)(b + 1) / bins;
            var inBin = considered.Where(p => p.Probability >= from && (p.Probability < to || (b == bins - 1 && p.Probability <= 1))).ToList();
            result.Add(new CalibrationBin(from, to, inBin.Count,
                inBin.Count == 0 ? 0 : inBin.Average(p => p.Probability),
                inBin.Count == 0 ? 0 : inBin.Count(p => p.Pair.SameMeaning) / (double)inBin.Count));
        }

        return result;
    }

    /// <summary>Scores a hit rule against the labels.</summary>
    public static HitDecisionScore Score(IEnumerable<ScoredPair> pairs, Func<ScoredPair, bool> hit)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(hit);
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var pair in pairs)
        {
            switch (pair.Pair.SameMeaning, hit(pair))
            {
                case (true, true): tp++; break;
                case (false, true): fp++; break;
                case (true, false): fn++; break;
                default: tn++; break;
            }
        }

        return new HitDecisionScore(tp, fp, fn, tn);
    }
}
