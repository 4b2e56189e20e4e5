using System.Security.Cryptography;
using System.Text;
using OrleansLlmCache.Client.Adapters;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>How the adapters turn HybridCache and IDistributedCache keys (any string) into cache keys.</summary>
public sealed class AdapterKeysTests
{
    [Theory]
    [InlineData("user_prefs_42")]
    [InlineData("orders:eu:42")]
    [InlineData("A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90")] // DistributedCachingChatClient's key form
    public void AKeyThatIsAKeyPart_IsUsedAsItIs(string key)
    {
        var mapped = new AdapterKeys("acme", "hybrid").KeyFor(key);

        Assert.Equal(("acme", "hybrid", key), (mapped.Tenant, mapped.Namespace, mapped.Id));
    }

    [Theory]
    [InlineData("/orders/eu/42")]
    [InlineData("user prefs 42")]
    [InlineData("")]
    [InlineData("clé-é")]
    [InlineData("line\nbreak")]
    public void AnyOtherKey_IsTheSha256OfItsUtf8Bytes(string key) =>
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), AdapterKeys.MapId(key));

    [Fact]
    public void KeysUpToTheLengthLimit_AreKeptAndLongerOnesHashed()
    {
        var longest = new string('k', 256);
        var tooLong = new string('k', 257);

        Assert.Equal(longest, AdapterKeys.MapId(longest));
        Assert.StartsWith("sha256:", AdapterKeys.MapId(tooLong), StringComparison.Ordinal);
        Assert.Equal(new string('t', 128), AdapterKeys.MapTag(new string('t', 128)));
        Assert.StartsWith("sha256:", AdapterKeys.MapTag(new string('t', 129)), StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyThatLooksHashed_IsHashedAgain_SoTwoKeysNeverMeet()
    {
        var hashed = AdapterKeys.MapId("/orders/eu/42");

        // The string "sha256:…" as a caller's own key must not land on the entry of "/orders/eu/42".
        Assert.NotEqual(hashed, AdapterKeys.MapId(hashed));
        Assert.StartsWith("sha256:", AdapterKeys.MapId(hashed), StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyThatIsNotValidUnicode_IsRefused_InsteadOfSharingAHash()
    {
        var error = Assert.Throws<ArgumentException>(() => AdapterKeys.MapId("half a pair: \uD800"));

        Assert.Contains("unpaired surrogate", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "hybrid", "tenant")]
    [InlineData("acme", "hybrid/cache", "namespace")]
    public void AnInvalidTenantOrNamespace_IsRefused(string tenant, string @namespace, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => new AdapterKeys(tenant, @namespace));

        Assert.Equal(named, error.ParamName);
    }
}
