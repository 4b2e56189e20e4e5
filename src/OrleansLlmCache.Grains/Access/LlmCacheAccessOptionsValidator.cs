using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Grains.Access;

/// <summary>Checks <see cref="LlmCacheAccessOptions"/> at start-up and names every key that is wrong, with what it takes.</summary>
internal sealed class LlmCacheAccessOptionsValidator : IValidateOptions<LlmCacheAccessOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmCacheAccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checks = new SettingChecks(LlmCacheAccessOptions.SectionName);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i] ?? new AccessKeyOptions();
            var path = $"Keys:{i}";
            if (key.Sha256 is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigit))
            {
                checks.Fail($"{path}:Sha256", "must be the 64 hex digits of the key's SHA-256 (printf %s \"$KEY\" | sha256sum), not the key itself.");
            }
            else if (!seen.Add(hash))
            {
                // One key, two entries: which tenants it reaches would depend on which entry is read first.
                checks.Fail($"{path}:Sha256", "repeats the hash of an earlier key: give a key one entry, with all its tenants.");
            }

            if (key.Operator && key.Tenants.Count > 0)
            {
                checks.Fail($"{path}:Tenants", "must be empty for an operator key (Operator: true reaches every tenant).");
            }
            else if (!key.Operator && key.Tenants.Count == 0)
            {
                checks.Fail($"{path}:Tenants", "is empty: name the tenants the key reaches (Tenants:0=acme), or set Operator: true for a key that reaches every tenant.");
            }

            for (var t = 0; t < key.Tenants.Count; t++)
            {
                try
                {
                    CacheKey.ValidatePart(key.Tenants[t], "tenant", LlmCacheLimits.MaxTenantLength);
                }
                catch (ArgumentException ex)
                {
                    checks.Fail($"{path}:Tenants:{t}", $"is not valid: {ex.Message.Split(" (Parameter", 2)[0]}");
                }
            }
        }

        return checks.Result;
    }
}
