using Orleans.Concurrency;

namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>
/// What one scope learnt about its semantic hits, keyed like the scope (<c>{tenant}/{scopeHash}</c>): the recent hits
/// that may still be reported on (in memory, bounded, expiring), the reports themselves (persisted, bounded), and the
/// acceptance bar they imply for a maximum error rate. Clients may only report; hits are recorded by the silos' lookups.
/// </summary>
[Alias("llmcache.ISemanticFeedbackGrain")]
public interface ISemanticFeedbackGrain : IGrainWithStringKey
{
    /// <summary>Keeps a served hit so that it can be reported on.</summary>
    [Alias("RecordHit")]
    Task RecordHitAsync(SemanticHitRecord hit);

    /// <summary>
    /// Records what was learnt about a hit. <see langword="true"/> when the hit is known (a second report on the same hit
    /// is accepted and changes nothing); <see langword="false"/> when it is unknown or forgotten (expired, or pushed out by newer hits).
    /// </summary>
    [Alias("Report")]
    Task<bool> ReportAsync(string nonce, SemanticVerdict verdict);

    /// <summary>
    /// The lowest probability target at or above <paramref name="floor"/> that holds <paramref name="maxErrorRate"/>
    /// by the scope's reports (see docs/semantic-cache.md, "Adaptation").
    /// </summary>
    [Alias("MinimumProbability"), AlwaysInterleave]
    Task<double> GetMinimumProbabilityAsync(double floor, double maxErrorRate);
}
