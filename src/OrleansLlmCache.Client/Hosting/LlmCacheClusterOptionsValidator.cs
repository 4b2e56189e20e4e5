using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Tls;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Checks <see cref="LlmCacheClusterOptions"/> when the client is configured and reports every wrong setting at once,
/// each naming the setting, instead of failing later inside the Orleans client (or, for a negative
/// <see cref="LlmCacheClusterOptions.ConnectAttempts"/>, retrying forever; for a TLS certificate that cannot be used,
/// with a failed handshake on every connection).
/// </summary>
internal sealed class LlmCacheClusterOptionsValidator : IValidateOptions<LlmCacheClusterOptions>
{
    private const string TlsSection = $"{LlmCacheClusterOptions.SectionName}:{nameof(LlmCacheClusterOptions.Tls)}";

    /// <summary>What a key must be, in the words of a refusal.</summary>
    public const string AccessKeyProblem = "must be 16 to 512 characters without white space (make one with openssl rand -hex 24); it is the key itself, not its SHA-256, which only the silos hold.";

    /// <summary>
    /// Whether <paramref name="key"/> can be a key: long enough not to be guessed, short enough for the silos to take
    /// (512), and without the white space a copy from a file brings along (the silos would hash it too, and refuse).
    /// </summary>
    public static bool IsUsableKey(string key) => key.Length is >= 16 and <= 512 && !key.Any(char.IsWhiteSpace);

    public ValidateOptionsResult Validate(string? name, LlmCacheClusterOptions options) => Check(options, out _);

    /// <summary>Checks <paramref name="options"/>, reading the TLS certificate files; <paramref name="tls"/> is the client's TLS when it is on.</summary>
    internal static ValidateOptionsResult Check(LlmCacheClusterOptions options, out TlsEndpoint? tls)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checks = new SettingChecks(LlmCacheClusterOptions.SectionName)
            .NotEmpty(options.ClusterId, nameof(options.ClusterId), "use the silos' LlmCache:Silo:ClusterId")
            .NotEmpty(options.ServiceId, nameof(options.ServiceId), "use the silos' LlmCache:Silo:ServiceId")
            .That(options.ConnectAttempts >= 0, nameof(options.ConnectAttempts), $"must be 0 (retry forever) or more; got {options.ConnectAttempts}.")
            .That(options.AccessKey is null || IsUsableKey(options.AccessKey), nameof(options.AccessKey), AccessKeyProblem);
        if (!string.IsNullOrWhiteSpace(options.RedisConnectionString) && GatewayMemberships.Redis is { } redis)
        {
            checks.WellFormed(options.RedisConnectionString, nameof(options.RedisConnectionString), redis.Parse, "redis:6379");
        }
        else if (!string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            checks.Fail(nameof(options.RedisConnectionString),
                $"needs the {GatewayMemberships.RedisPackage} package, which reads the gateways from Redis membership: add it to this app, or list the gateways in Gateways instead.");
        }

        tls = options.Tls is null ? null : TlsEndpoint.ForClient(TlsSection, options.Tls, checks.In(TlsSection), DateTimeOffset.UtcNow);
        return checks.Result;
    }
}
