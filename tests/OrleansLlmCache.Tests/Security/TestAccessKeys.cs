using System.Security.Cryptography;
using System.Text;

namespace OrleansLlmCache.Tests.Security;

/// <summary>The access keys the tenant access tests configure and present (without a cluster, for the fast group too).</summary>
public static class TestAccessKeys
{
    public const string KeyA = "llmcache-test-key-tenant-a-0001";
    public const string KeyARotated = "llmcache-test-key-tenant-a-0002";
    public const string KeyB = "llmcache-test-key-tenant-b-0001";
    public const string OperatorKey = "llmcache-test-key-operator-0001";
    public const string UnknownKey = "llmcache-test-key-nobody-00001";

    /// <summary>What the silos are configured with: <c>printf %s "$KEY" | sha256sum</c>.</summary>
    public static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
