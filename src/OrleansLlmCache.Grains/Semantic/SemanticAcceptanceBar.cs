using OrleansLlmCache.Abstractions.Statistics;

namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// The probability target that holds a maximum error rate by a scope's feedback. Candidate bars are the floor (what the
/// client asks for) and steps above it; the bar is the lowest candidate at which the reports on hits that would still
/// pass it are too few to judge, or whose Wilson 95 % upper bound of the error rate is at most the target. Hits are
/// counted at the probability they were served with, so a bar can be judged by the hits it would have let through.
/// </summary>
internal static class SemanticAcceptanceBar
{
    /// <summary>The bar when no step holds the target: no calibrated probability reaches it.</summary>
    public const double Ceiling = 0.999;

    /// <summary>
    /// The reports a bar needs before they are judged: <paramref name="minimumReports"/>, and at least as many as it
    /// takes for reports without a single wrong one to prove <paramref name="maxErrorRate"/> (z²(1−t)/t, 73 for 5 %), so
    /// that reports of right answers never raise the bar.
    /// </summary>
    public static int RequiredReports(double maxErrorRate, int minimumReports)
    {
        const double z2 = SemanticFeedbackRow.Z95 * SemanticFeedbackRow.Z95;
        return Math.Max(minimumReports, (int)Math.Ceiling(z2 * (1 - maxErrorRate) / maxErrorRate));
    }

    /// <summary>The bar for <paramref name="reports"/> (probability served at, and whether it was wrong).</summary>
    public static double Compute(IReadOnlyCollection<(double Probability, bool Wrong)> reports, double floor, double maxErrorRate, int minimumReports, double step)
    {
        var required = RequiredReports(maxErrorRate, minimumReports);
        if (reports.Count < required)
        {
            return floor;
        }

        for (var k = 0; ; k++)
        {
            var bar = floor + (k * step);
            if (bar >= Ceiling)
            {
                return Ceiling;
            }

            long judged = 0, wrong = 0;
            foreach (var (probability, isWrong) in reports)
            {
                if (probability >= bar)
                {
                    judged++;
                    wrong += isWrong ? 1 : 0;
                }
            }

            if (judged < required || SemanticFeedbackRow.WilsonUpperBound(wrong, judged) <= maxErrorRate)
            {
                return bar;
            }
        }
    }
}
