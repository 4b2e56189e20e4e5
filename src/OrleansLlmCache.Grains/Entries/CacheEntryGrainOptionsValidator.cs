using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Grains.Entries;

/// <summary>Checks <see cref="CacheEntryGrainOptions"/> at start-up and reports every wrong setting at once.</summary>
internal sealed class CacheEntryGrainOptionsValidator : IValidateOptions<CacheEntryGrainOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheEntryGrainOptions options) =>
        new SettingChecks(CacheEntryGrainOptions.SectionName)
            .Positive(options.LeaseDuration, nameof(options.LeaseDuration))
            .Between(options.MaxWaitPerCall, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1), nameof(options.MaxWaitPerCall), "0 and 30 seconds (the Orleans response timeout)")
            .Result;
}
