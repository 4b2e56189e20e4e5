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
            .Result;
}
