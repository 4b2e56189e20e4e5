using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Client.Adapters;

/// <summary>
/// Where an adapter keeps its values: one tenant and one namespace, and a deterministic mapping from the arbitrary
/// strings that <c>HybridCache</c> and <c>IDistributedCache</c> callers use as keys and tags to valid key parts.
/// </summary>
/// <remarks>
/// A key (or tag) that is already a valid key part (1-256 characters, 128 for a tag, of <c>A-Z a-z 0-9 _ . : -</c>) and
/// does not start with <see cref="HashPrefix"/> is used as it is, so it stays readable in the SQL view and in
/// <c>llmcache get</c>. Any other string becomes <c>sha256:</c> followed by the lower-case hex SHA-256 of its UTF-8
/// bytes (71 characters). Because a key used as it is never starts with the prefix and a hashed one always does, two
/// different strings never map to the same key.
/// </remarks>
internal sealed class AdapterKeys
{
    /// <summary>What every hashed key and tag starts with.</summary>
    public const string HashPrefix = "sha256:";

    // The key-part characters of CacheKey.ValidatePart: a string made only of them needs no hashing.
    private static readonly SearchValues<char> KeyPartCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-");

    // Throws on an unpaired surrogate instead of hashing it as U+FFFD, which would give two different strings one key.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks the tenant and namespace once, so that no key built here needs checking again.</summary>
    /// <exception cref="ArgumentException">The tenant or the namespace is not a valid key part.</exception>
    public AdapterKeys(string tenant, string @namespace)
    {
        CacheKey.ValidatePart(tenant, "tenant", LlmCacheLimits.MaxTenantLength);
        CacheKey.ValidatePart(@namespace, "namespace", LlmCacheLimits.MaxNamespaceLength);
        Tenant = tenant;
        Namespace = @namespace;
    }

    public string Tenant { get; }

    public string Namespace { get; }

    /// <summary>The cache key of a caller's key.</summary>
    /// <exception cref="ArgumentException">The key is not valid Unicode.</exception>
    public CacheKey KeyFor(string key) => new(Tenant, Namespace, MapId(key));

    /// <summary>The key id of a caller's key: itself when it is a valid key part, else its <c>sha256:</c> form.</summary>
    public static string MapId(string key) => Map(key, LlmCacheLimits.MaxKeyLength, "key");

    /// <summary>The tag of a caller's tag: itself when it is a valid tag, else its <c>sha256:</c> form.</summary>
    public static string MapTag(string tag) => Map(tag, LlmCacheLimits.MaxTagLength, "tag");

    private static string Map(string value, int maxLength, string what)
    {
        ArgumentNullException.ThrowIfNull(value, what);
        if (value.Length > 0 && value.Length <= maxLength
            && !value.StartsWith(HashPrefix, StringComparison.Ordinal)
            && !value.AsSpan().ContainsAnyExcept(KeyPartCharacters))
        {
            return value;
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"The {what} is not valid Unicode (it contains an unpaired surrogate), so it cannot be mapped to a cache {what}.", what);
        }

        return HashPrefix + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
