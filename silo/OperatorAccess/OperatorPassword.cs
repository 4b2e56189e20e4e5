using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>
/// Checks the user name and password of a Basic login against <c>LlmCache:Dashboard:Username</c> and either the
/// password (kept only as its SHA-256 in memory) or its PBKDF2 hash, in constant time. A browser sends the credentials
/// with every request and the dashboard polls every second: a PBKDF2 check costs tens of milliseconds by design, so the
/// credentials that passed it last are remembered as a SHA-256 digest and matched against that first.
/// </summary>
internal sealed class OperatorPassword
{
    /// <summary>The prefix of <c>LlmCache:Dashboard:PasswordHash</c>; the format is <c>PBKDF2-SHA256:iterations:salt:hash</c>.</summary>
    public const string HashPrefix = "PBKDF2-SHA256";

    /// <summary>Fewer iterations would make a leaked hash cheap to guess from.</summary>
    public const int MinIterations = 100_000;

    private readonly byte[] _username;
    private readonly byte[]? _passwordDigest;
    private readonly byte[]? _salt;
    private readonly byte[]? _hash;
    private readonly int _iterations;
    private byte[]? _verified;

    private OperatorPassword(string username, byte[]? passwordDigest, byte[]? salt, byte[]? hash, int iterations)
    {
        _username = SHA256.HashData(Encoding.UTF8.GetBytes(username));
        _passwordDigest = passwordDigest;
        _salt = salt;
        _hash = hash;
        _iterations = iterations;
    }

    public static OperatorPassword FromPassword(string username, string password) =>
        new(username, SHA256.HashData(Encoding.UTF8.GetBytes(password)), null, null, 0);

    /// <summary>Parses a <c>PBKDF2-SHA256:iterations:salt:hash</c> value; the error says what is wrong, never the value.</summary>
    public static OperatorPassword? FromHash(string username, string passwordHash, out string? error)
    {
        var parts = passwordHash.Trim().Split(':');
        if (parts.Length != 4 || !string.Equals(parts[0], HashPrefix, StringComparison.OrdinalIgnoreCase))
        {
            error = $"is not {HashPrefix}:iterations:salt:hash (salt and hash in base64)";
            return null;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < MinIterations)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"has {parts[1]} iterations; it needs at least {MinIterations:N0} (600,000 is recommended)");
            return null;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            if (salt.Length < 16 || hash.Length < 32)
            {
                error = "needs a salt of at least 16 bytes and a hash of at least 32 bytes";
                return null;
            }

            error = null;
            return new OperatorPassword(username, null, salt, hash, iterations);
        }
        catch (FormatException)
        {
            error = "has a salt or hash that is not base64";
            return null;
        }
    }

    public bool Matches(string username, string password)
    {
        var userMatches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(username)), _username);
        var presented = Encoding.UTF8.GetBytes(password);
        bool passwordMatches;
        if (_passwordDigest is not null)
        {
            passwordMatches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(presented), _passwordDigest);
        }
        else
        {
            var digest = SHA256.HashData(presented);
            if (Volatile.Read(ref _verified) is { } verified && CryptographicOperations.FixedTimeEquals(digest, verified))
            {
                passwordMatches = true;
            }
            else
            {
                var derived = Rfc2898DeriveBytes.Pbkdf2(presented, _salt!, _iterations, HashAlgorithmName.SHA256, _hash!.Length);
                passwordMatches = CryptographicOperations.FixedTimeEquals(derived, _hash);
                if (passwordMatches)
                {
                    Volatile.Write(ref _verified, digest);
                }
            }
        }

        CryptographicOperations.ZeroMemory(presented);
        return userMatches & passwordMatches;
    }
}
