namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>
/// What was learnt about the semantic hits of one tenant's namespace: reports that a served answer was right or wrong
/// (<c>ILlmCache.ReportSemanticFeedbackAsync</c>), and hits the application's verifier refused (never served).
/// </summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="ReportedCorrect">Hits reported right.</param>
/// <param name="ReportedWrong">Hits reported wrong.</param>
/// <param name="VerifierRefusals">Candidates the verifier refused (they became misses).</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticFeedbackRow")]
public sealed record SemanticFeedbackRow(
    [property: Id(0)] string Tenant,
    [property: Id(1)] string Namespace,
    [property: Id(2)] long ReportedCorrect,
    [property: Id(3)] long ReportedWrong,
    [property: Id(4)] long VerifierRefusals)
{
    /// <summary>The one-sided 95 % normal quantile the bounds use.</summary>
    public const double Z95 = 1.959964;

    /// <summary>Hits reported on, right or wrong.</summary>
    public long Reported => ReportedCorrect + ReportedWrong;

    /// <summary>Reported wrong divided by reported; 0 before the first report.</summary>
    public double ErrorRate => Reported == 0 ? 0 : (double)ReportedWrong / Reported;

    /// <summary>The Wilson 95 % upper bound of the error rate given the reports (1 before the first report: nothing is known).</summary>
    public double ErrorRateUpperBound => WilsonUpperBound(ReportedWrong, Reported);

    /// <summary>
    /// The Wilson score interval's upper end for <paramref name="wrong"/> failures in <paramref name="reported"/> trials at
    /// 95 % confidence: the highest error rate the reports do not rule out. 1 when there are no reports.
    /// </summary>
    public static double WilsonUpperBound(long wrong, long reported)
    {
        if (reported <= 0)
        {
            return 1;
        }

        var n = (double)reported;
        var p = Math.Clamp(wrong / n, 0, 1);
        const double z2 = Z95 * Z95;
        var centre = p + z2 / (2 * n);
        var spread = Z95 * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return Math.Min(1, (centre + spread) / (1 + z2 / n));
    }
}
