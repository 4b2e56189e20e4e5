using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Gateway.Upstreams;

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
        AddUpstreamFailures(failures, $"{Section}:Upstream", options.Upstream ?? new GatewayUpstreamOptions(), baseUrlRequired: false);
        AddModelUpstreamFailures(failures, options.Upstreams);
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

    /// <summary>
    /// The entries of <c>Upstreams</c>: each needs a base URL and models, and a pattern an earlier one already routes
    /// (the first match wins) is refused, as it could never be used.
    /// </summary>
    private static void AddModelUpstreamFailures(List<string> failures, List<GatewayModelUpstreamOptions> upstreams)
    {
        var earlier = new List<(string Setting, string Pattern)>();
        for (var i = 0; i < upstreams.Count; i++)
        {
            var path = $"{Section}:Upstreams:{i}";
            var upstream = upstreams[i] ?? new GatewayModelUpstreamOptions();
            AddUpstreamFailures(failures, path, upstream, baseUrlRequired: true);
            if (upstream.Models.Count == 0)
            {
                failures.Add($"{path}:Models is empty: name the models this upstream answers, such as claude-* or llama3.1 (models no entry names go to {Section}:Upstream).");
            }

            for (var m = 0; m < upstream.Models.Count; m++)
            {
                var pattern = upstream.Models[m];
                var setting = $"{path}:Models:{m}";
                if (ModelPattern.Problem(pattern) is { } problem)
                {
                    failures.Add($"{setting} {problem}.");
                    continue;
                }

                var covering = earlier.FindIndex(e => ModelPattern.Covers(e.Pattern, pattern!));
                if (covering >= 0)
                {
                    failures.Add($"{setting} is '{pattern}', which {earlier[covering].Setting} ('{earlier[covering].Pattern}') already routes: the first match wins, so this pattern would never be used.");
                }
                else
                {
                    earlier.Add((setting, pattern!));
                }
            }
        }
    }

    private static void AddUpstreamFailures(List<string> failures, string path, GatewayUpstreamOptions upstream, bool baseUrlRequired)
    {
        if (string.IsNullOrEmpty(upstream.BaseUrl))
        {
            if (baseUrlRequired)
            {
                failures.Add($"{path}:BaseUrl is missing: set the upstream's OpenAI-compatible base URL, such as https://api.openai.com/v1.");
            }
        }
        else if (!Uri.TryCreate(upstream.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            failures.Add($"{path}:BaseUrl is '{upstream.BaseUrl}', which is not an absolute http or https URL such as https://api.openai.com/v1.");
        }

        if (upstream.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{path}:Timeout is {upstream.Timeout}; it must be positive, such as 00:05:00.");
        }
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
