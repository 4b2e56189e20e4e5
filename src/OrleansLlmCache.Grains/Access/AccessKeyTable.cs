using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansLlmCache.Grains.Access;

/// <summary>
/// The configured access keys as hash bytes, and the check of a presented key: SHA-256, then a constant-time comparison
/// with every configured hash. A key that passed is remembered, so that the calls after the first cost one dictionary
/// lookup instead of a hash (the hit path runs it on every batch of reads).
/// </summary>
internal sealed class AccessKeyTable
{
    // Longer than any key worth having (openssl rand -hex 32 is 64 characters), short enough that hashing what a
    // client sends costs nothing a refusal would notice.
    private const int MaxKeyLength = 512;

    private readonly (byte[] Hash, AccessGrant Grant)[] _keys;

    // Only keys that passed the check enter, so it holds at most one entry per configured key. Lookups compare in
    // constant time too: a presented key is only ever compared with a valid one.
    private readonly ConcurrentDictionary<string, AccessGrant> _verified = new(FixedTimeComparer.Instance);

    public AccessKeyTable(IOptions<LlmCacheAccessOptions> options)
    {
        var configured = options.Value;
        _keys = [.. configured.Keys.Select((k, i) => (
            Convert.FromHexString(k.Sha256!),
            new AccessGrant(k.Name ?? $"Keys:{i}", k.Operator, [.. k.Tenants])))];
    }

    /// <summary>Whether any key is configured: then every call from a client needs one.</summary>
    public bool IsEnforced => _keys.Length > 0;

    /// <summary>How many keys are configured, and how many of them are operator keys.</summary>
    public (int Keys, int Operators) Count => (_keys.Length, _keys.Count(k => k.Grant.IsOperator));

    /// <summary>The tenants of the keys that are not operator keys, for the start-up log.</summary>
    public IEnumerable<string> Tenants => _keys.SelectMany(k => k.Grant.Tenants).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>What <paramref name="presentedKey"/> reaches, or <see langword="null"/> when it is no configured key.</summary>
    public AccessGrant? Find(string presentedKey)
    {
        if (_verified.TryGetValue(presentedKey, out var grant))
        {
            return grant;
        }

        if (presentedKey.Length is 0 or > MaxKeyLength)
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));

        // Every hash is compared, each in constant time, so the time taken says nothing about which bytes matched.
        foreach (var (expected, candidate) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                grant = candidate;
            }
        }

        if (grant is not null)
        {
            _verified.TryAdd(presentedKey, grant);
        }

        return grant;
    }

    private sealed class FixedTimeComparer : IEqualityComparer<string>
    {
        public static readonly FixedTimeComparer Instance = new();

        public bool Equals(string? x, string? y) =>
            x is not null && y is not null && x.Length == y.Length
            && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(x.AsSpan()), MemoryMarshal.AsBytes(y.AsSpan()));

        // The runtime's string hash is seeded per process, so which bucket a guess lands in says nothing about a key.
        public int GetHashCode(string obj) => obj.GetHashCode(StringComparison.Ordinal);
    }
}
