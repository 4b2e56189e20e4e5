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
    /// <summary>What a key must be, in the words of a refusal.</summary>
    public const string AccessKeyProblem = "must be 16 to 512 characters without white space (make one with openssl rand -hex 24); it is the key itself, not its SHA-256, which only the silos hold.";

    /// <summary>
    /// Whether <paramref name="key"/> can be a key: long enough not to be guessed, short enough for the silos to take
    /// (512), and without the white space a copy from a file brings along (the silos would hash it too, and refuse).
    /// </summary>
    public static bool IsUsableKey(string key) => key.Length is >= 16 and <= 512 && !key.Any(char.IsWhiteSpace);

    public ValidateOptionsResult Validate(string? name, LlmCacheClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingChecks(LlmCacheClusterOptions.SectionName)
            .NotEmpty(options.ClusterId, nameof(options.ClusterId), "use the silos' LlmCache:Silo:ClusterId")
            .NotEmpty(options.ServiceId, nameof(options.ServiceId), "use the silos' LlmCache:Silo:ServiceId")
            .That(options.ConnectAttempts >= 0, nameof(options.ConnectAttempts), $"must be 0 (retry forever) or more; got {options.ConnectAttempts}.")
            .WellFormed(options.RedisConnectionString, nameof(options.RedisConnectionString), s => ConfigurationOptions.Parse(s), "redis:6379")
            .That(options.AccessKey is null || IsUsableKey(options.AccessKey), nameof(options.AccessKey), AccessKeyProblem)
            .Result;
    }
}
