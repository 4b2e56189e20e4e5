using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Grains.Statistics;

/// <summary>Checks <see cref="SiloStatisticsOptions"/> at start-up and reports every wrong setting at once.</summary>
internal sealed class SiloStatisticsOptionsValidator : IValidateOptions<SiloStatisticsOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloStatisticsOptions options)
    {
        var checks = new SettingChecks(SiloStatisticsOptions.SectionName)
            .Between(options.ReportInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), nameof(options.ReportInterval), "100 ms and 10 minutes")
            .Between(options.HistoryInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), nameof(options.HistoryInterval), "1 second and 1 day")
            .Between(options.HistoryLength, 1, 10_000, nameof(options.HistoryLength));
        if (options.EmbeddingPricePerMillionTokens < 0)
        {
            checks.Fail(nameof(options.EmbeddingPricePerMillionTokens), $"must not be negative; got {options.EmbeddingPricePerMillionTokens}.");
        }

        return checks.Result;
    }
}
