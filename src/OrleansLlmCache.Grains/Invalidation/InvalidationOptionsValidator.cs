using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>Checks <see cref="InvalidationOptions"/> at start-up and reports every wrong setting at once.</summary>
internal sealed class InvalidationOptionsValidator : IValidateOptions<InvalidationOptions>
{
    public ValidateOptionsResult Validate(string? name, InvalidationOptions options)
    {
        var checks = new SettingChecks(InvalidationOptions.SectionName)
            .Positive(options.LeaseDuration, nameof(options.LeaseDuration))
            .Positive(options.RenewInterval, nameof(options.RenewInterval))
            .Positive(options.AckTimeout, nameof(options.AckTimeout));

        // A subscriber that renews no more often than its lease lasts lets the lease lapse between renewals.
        if (options.RenewInterval >= options.LeaseDuration && options.LeaseDuration > TimeSpan.Zero)
        {
            checks.Fail(nameof(options.RenewInterval), $"must be shorter than LeaseDuration ({options.LeaseDuration}); got {options.RenewInterval}.");
        }

        return checks.Result;
    }
}
