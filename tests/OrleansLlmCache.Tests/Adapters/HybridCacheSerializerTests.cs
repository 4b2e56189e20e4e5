using static OrleansLlmCache.Tests.Adapters.TestSerializers;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// Values through the cluster with the serializers HybridCache would use: built-in strings and byte arrays, JSON, and
/// the serializers the app server registered (<see cref="TestSerializers"/>). Each test reads the stored entry to see
/// which serializer wrote it.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class HybridCacheSerializerTests(AdapterClusterFixture fixture)
{
    private readonly string _key = "serializer:" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AString_IsStoredAsItsText()
    {
        await RoundTripAsync("Zoë says 🙂\n", "Zoë says 🙂\n", encoding: "utf-8");
    }

    [Fact]
    public async Task ByteArrays_AreStoredAsTextWhenTheyAreUtf8_AndAsBase64Otherwise()
    {
        await RoundTripAsync("plain"u8.ToArray(), "plain", encoding: "utf-8");
        await fixture.Hybrid.RemoveAsync(_key);
        await RoundTripAsync(new byte[] { 0, 255, 1 }, "AP8B", encoding: "base64");
    }

    [Fact]
    public async Task OtherTypes_AreJson()
    {
        await RoundTripAsync(new Order(7, "tea"), "{\"Id\":7,\"Product\":\"tea\"}", encoding: "utf-8");
        await fixture.Hybrid.RemoveAsync(_key);
        await RoundTripAsync((7, "tea"), "{\"Item1\":7,\"Item2\":\"tea\"}", encoding: "utf-8");
    }

    [Fact]
    public async Task ARegisteredSerializer_WritesItsType()
    {
        await RoundTripAsync(new Coordinates(3, 4), "3;4", encoding: "utf-8");
    }

    [Fact]
    public async Task ARegisteredSerializerFactory_WritesTheTypesItTakes()
    {
        await RoundTripAsync(new Temperature(21.5), "21.5C", encoding: "utf-8");
    }

    [Fact]
    public async Task JsonOptionsRegisteredForAType_AreUsedForIt()
    {
        await RoundTripAsync(new Invoice("Ada", 12.5m), "{\"customer_name\":\"Ada\",\"total_amount\":12.5}", encoding: "utf-8");
    }

    // Stores through get-or-create, checks the entry's text, then reads it back through the cluster (not the caller's
    // own object).
    private async Task RoundTripAsync<T>(T value, string stored, string encoding)
    {
        var created = await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<T>(value));
        var entry = await fixture.Cache.GetAsync(AdapterClusterFixture.HybridKey(_key));
        var read = await fixture.Hybrid.GetOrCreateAsync<T>(_key, _ => throw new InvalidOperationException("the value was cached"));

        Assert.Equal(value, created);
        Assert.Equal(stored, entry?.Response.Content);
        Assert.EndsWith("encoding=" + encoding, entry?.Response.ContentType, StringComparison.Ordinal);
        Assert.Equal(value, read);
    }
}
