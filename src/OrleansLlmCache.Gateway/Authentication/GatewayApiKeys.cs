using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Gateway.Options;

namespace OrleansLlmCache.Gateway.Authentication;

/// <summary>The configured keys as hash bytes, and the constant-time lookup of a presented key.</summary>
internal sealed class GatewayApiKeys
{
    private readonly (byte[] Hash, GatewayCaller Caller)[] _keys;

    public GatewayApiKeys(IOptions<LlmCacheGatewayOptions> options)
    {
        _keys = [.. options.Value.ApiKeys.Select((k, i) => (
            Convert.FromHexString(k.Sha256!),
            new GatewayCaller(k.Tenant, [.. k.Namespaces], k.Name ?? $"ApiKeys:{i}")))];
    }

    /// <summary>True when no key is configured: the development mode.</summary>
    public bool IsEmpty => _keys.Length == 0;

    /// <summary>The caller the presented key belongs to, or <see langword="null"/>.</summary>
    public GatewayCaller? Find(string presentedKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));
        GatewayCaller? found = null;

        // Every key is compared, each in constant time, so the time taken says nothing about which bytes matched.
        foreach (var (expected, caller) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                found = caller;
            }
        }

        return found;
    }
}
