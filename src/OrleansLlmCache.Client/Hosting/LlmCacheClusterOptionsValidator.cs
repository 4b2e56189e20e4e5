using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Validation;
using StackExchange.Redis;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Checks <see cref="LlmCacheClusterOptions"/> when the client is configured and reports every wrong setting at once,
/// each naming the setting, instead of failing later inside the Orleans client (or, for a negative
/// <see cref="LlmCacheClusterOptions.ConnectAttempts"/>, retrying forever).
/// </summary>
internal sealed class LlmCacheClusterOptionsValidator : IValidateOptions<LlmCacheClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmCacheClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingChecks(LlmCacheClusterOptions.SectionName)
            .NotEmpty(options.ClusterId, nameof(options.ClusterId), "use the silos' LlmCache:Silo:ClusterId")
            .NotEmpty(options.ServiceId, nameof(options.ServiceId), "use the silos' LlmCache:Silo:ServiceId")
            .That(options.ConnectAttempts >= 0, nameof(options.ConnectAttempts), $"must be 0 (retry forever) or more; got {options.ConnectAttempts}.")
            .WellFormed(options.RedisConnectionString, nameof(options.RedisConnectionString), s => ConfigurationOptions.Parse(s), "redis:6379")
            .Result;
    }
}
