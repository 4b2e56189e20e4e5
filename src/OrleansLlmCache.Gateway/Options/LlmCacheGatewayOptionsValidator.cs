using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Gateway.Options;

/// <summary>Checks every gateway setting at start-up and names each one that is wrong, with what it takes.</summary>
internal sealed class LlmCacheGatewayOptionsValidator : IValidateOptions<LlmCacheGatewayOptions>
{
    /// <summary>A body larger than a stored answer can hold is of no use to a cache; 4 MiB is also the prompt limit.</summary>
    public const int MaxRequestBytesLimit = LlmCacheLimits.MaxPromptBytes;

    private const string Section = LlmCacheGatewayOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LlmCacheGatewayOptions options)
    {
        var failures = new List<string>();
        var upstream = options.Upstream ?? new GatewayUpstreamOptions();
        if (!string.IsNullOrEmpty(upstream.BaseUrl)
            && (!Uri.TryCreate(upstream.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https")))
        {
            failures.Add($"{Section}:Upstream:BaseUrl is '{upstream.BaseUrl}', which is not an absolute http or https URL such as https://api.openai.com/v1.");
        }

        if (upstream.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:Upstream:Timeout is {upstream.Timeout}; it must be positive, such as 00:05:00.");
        }

        if (options.MaxRequestBytes is <= 0 or > MaxRequestBytesLimit)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Section}:MaxRequestBytes is {options.MaxRequestBytes}; it must be between 1 and {MaxRequestBytesLimit} (4 MiB)."));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var path = $"{Section}:ApiKeys:{i}";
            if (key.Sha256 is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigit))
            {
                failures.Add($"{path}:Sha256 must be the 64 hex digits of the key's SHA-256 (printf %s \"$KEY\" | sha256sum), not the key itself.");
            }
            else if (!seen.Add(hash))
            {
                failures.Add($"{path}:Sha256 repeats the hash of an earlier key: each key is bound to one tenant.");
            }

            AddIfInvalid(failures, $"{path}:Tenant", key.Tenant, "tenant", LlmCacheLimits.MaxTenantLength);
            for (var n = 0; n < key.Namespaces.Count; n++)
            {
                var pattern = key.Namespaces[n] ?? string.Empty;
                AddIfInvalid(failures, $"{path}:Namespaces:{n}", pattern.EndsWith('*') ? pattern[..^1] : pattern, "namespace", LlmCacheLimits.MaxNamespaceLength);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AddIfInvalid(List<string> failures, string setting, string? value, string field, int maxLength)
    {
        try
        {
            CacheKey.ValidatePart(value, field, maxLength);
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{setting} is not valid: {ex.Message.Split(" (Parameter", 2)[0]}");
        }
    }
}
