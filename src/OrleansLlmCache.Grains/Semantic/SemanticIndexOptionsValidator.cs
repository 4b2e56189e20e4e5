using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Grains.Semantic;

/// <summary>Checks <see cref="SemanticIndexOptions"/> at start-up and reports every wrong setting at once.</summary>
internal sealed class SemanticIndexOptionsValidator : IValidateOptions<SemanticIndexOptions>
{
    public ValidateOptionsResult Validate(string? name, SemanticIndexOptions options) =>
        new SettingChecks(SemanticIndexOptions.SectionName)
            .Between(options.MaxVectorsPerShard, 1, 1_000_000, nameof(options.MaxVectorsPerShard))
            .Between(options.FlushInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10), nameof(options.FlushInterval), "10 ms and 10 minutes")
            .Between(options.MaxCandidates, 1, 256, nameof(options.MaxCandidates))
            .Between(options.FeedbackHits, 1, 1_000_000, nameof(options.FeedbackHits))
            .Between(options.FeedbackHitLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30), nameof(options.FeedbackHitLifetime), "1 second and 30 days")
            .Between(options.FeedbackReports, 1, 100_000, nameof(options.FeedbackReports))
            .Between(options.FeedbackReportLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365), nameof(options.FeedbackReportLifetime), "1 second and 365 days")
            .Between(options.FeedbackMinimumReports, 1, 100_000, nameof(options.FeedbackMinimumReports))
            .That(options.AdaptationStep is >= 0.001 and <= 0.5, nameof(options.AdaptationStep), $"must be between 0.001 and 0.5; got {options.AdaptationStep}")
            .Result;
}
