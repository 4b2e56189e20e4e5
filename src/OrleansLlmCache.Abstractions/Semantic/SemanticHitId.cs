using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>
/// The id a semantic hit is served with, to report later whether its answer was right
/// (<c>ILlmCache.ReportSemanticFeedbackAsync</c>). It names the scope whose feedback grain holds the hit, so that a
/// report reaches it without a directory, and 128 random bits that cannot be guessed: <c>{tenant, base64url}.{scope hash}.{nonce}</c>.
/// Treat it as opaque.
/// </summary>
/// <param name="Scope">The scope of the prompt that was answered.</param>
/// <param name="Nonce">32 lower-case hex digits drawn at random for this hit.</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticHitId")]
public readonly record struct SemanticHitId(
    [property: Id(0)] SemanticScope Scope,
    [property: Id(1)] string Nonce)
{
    /// <summary>A new id for a hit in <paramref name="scope"/>.</summary>
    public static SemanticHitId New(SemanticScope scope) => new(scope, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    /// <summary>Reads an id written by <see cref="ToString"/>; <see langword="false"/> for anything else.</summary>
    public static bool TryParse(string? text, out SemanticHitId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > 512)
        {
            return false;
        }

        var parts = text.Split('.');
        if (parts.Length != 3 || parts[1] is not { Length: 64 } hash || !IsLowerHex(hash) || parts[2] is not { Length: 32 } nonce || !IsLowerHex(nonce))
        {
            return false;
        }

        try
        {
            var tenant = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0]));
            if (tenant.Length == 0 || tenant.Length > LlmCacheLimits.MaxTenantLength || tenant.Contains('/', StringComparison.Ordinal))
            {
                return false;
            }

            id = new SemanticHitId(new SemanticScope(tenant, hash), nonce);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The id as sent to callers: <c>{tenant, base64url}.{scope hash}.{nonce}</c>.</summary>
    public override string ToString() => $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Scope.Tenant))}.{Scope.Hash}.{Nonce}";

    private static bool IsLowerHex(string text) => text.All(char.IsAsciiHexDigitLower);
}
