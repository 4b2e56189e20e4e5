using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Checks <see cref="LlmCacheClusterOptions"/> when the client is configured and reports every wrong setting at once,
/// each naming the setting, instead of failing later inside the Orleans client (or, for a negative
/// <see cref="LlmCacheClusterOptions.ConnectAttempts"/>, retrying forever).
/// </summary>
internal sealed class LlmCacheClusterOptionsValidator : IValidateOptions<LlmCacheClusterOptions>
{
    private const string Section = LlmCacheClusterOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LlmCacheClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{Section}:{nameof(options.ClusterId)} must not be empty; use the silos' LlmCache:Silo:ClusterId.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{Section}:{nameof(options.ServiceId)} must not be empty; use the silos' LlmCache:Silo:ServiceId.");
        }

        if (options.ConnectAttempts < 0)
        {
            failures.Add($"{Section}:{nameof(options.ConnectAttempts)} must be 0 (retry forever) or more; got {options.ConnectAttempts}.");
        }

        if (!string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            try
            {
                _ = ConfigurationOptions.Parse(options.RedisConnectionString);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or NotSupportedException)
            {
                failures.Add($"{Section}:{nameof(options.RedisConnectionString)} is malformed ({ex.Message.Split('\n')[0]}); it should look like \"redis:6379\".");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
