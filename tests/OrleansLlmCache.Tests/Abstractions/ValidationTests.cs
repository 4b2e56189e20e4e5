using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Tests.Abstractions;

public sealed class ValidationTests
{
    [Theory]
    [InlineData(double.NaN, "temperature")]
    [InlineData(-0.1, "temperature")]
    [InlineData(double.PositiveInfinity, "temperature")]
    public void PromptRequest_BadTemperature_IsRefusedNamingTheField(double temperature, string field)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new PromptRequest("p", "gpt-4", temperature, 10).ComputeHash());
        Assert.Equal(field, error.ParamName);
        Assert.Contains("temperature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PromptRequest_NegativeMaxTokens_IsRefusedNamingTheField()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new PromptRequest("p", "gpt-4", 0.5, -1).ComputeHash());
        Assert.Equal("max_tokens", error.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void PromptRequest_EmptyModel_IsRefusedNamingTheField(string model)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new PromptRequest("p", model, 0.5, 1).ComputeHash());
        Assert.Equal("model", error.ParamName);
    }

    [Fact]
    public void CachedResponse_LargerThanTheLimit_IsRefusedWithItsSize()
    {
        var response = new CachedResponse(new string('x', LlmCacheLimits.MaxResponseBytes + 1), "gpt-4");
        var error = Assert.Throws<ArgumentException>(response.Validate);
        Assert.Equal("content", error.ParamName);
        Assert.Contains((LlmCacheLimits.MaxResponseBytes + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CachedResponse_AtTheLimitInMultiByteCharacters_CountsBytesNotCharacters()
    {
        // 'é' is two bytes in UTF-8: half the limit in characters is exactly the limit in bytes.
        new CachedResponse(new string('é', LlmCacheLimits.MaxResponseBytes / 2), "gpt-4").Validate();
        Assert.Throws<ArgumentException>(new CachedResponse(new string('é', (LlmCacheLimits.MaxResponseBytes / 2) + 1), "gpt-4").Validate);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(366 * 24 * 3600.0)]
    [InlineData(-1)]
    public void TimeToLive_OutOfRange_IsRefused(double seconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LlmCacheLimits.ValidateTimeToLive(TimeSpan.FromSeconds(seconds)));
        Assert.Equal("timeToLive", error.ParamName);
    }

    [Fact]
    public void TimeToLive_None_MeansNoExpiryAndIsAccepted() => LlmCacheLimits.ValidateTimeToLive(null);

    [Theory]
    [InlineData("", "ns", "k", "tenant")]
    [InlineData("a/b", "ns", "k", "tenant")]
    [InlineData("t", "name space", "k", "namespace")]
    [InlineData("t", "ns", "", "key")]
    [InlineData("t", "ns", "k\n", "key")]
    public void CacheKey_BadPart_IsRefusedNamingThePart(string tenant, string @namespace, string id, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => new CacheKey(tenant, @namespace, id).Validate());
        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public void CacheKey_TooLong_IsRefusedWithTheLimit()
    {
        var error = Assert.Throws<ArgumentException>(() => new CacheKey("t", "ns", new string('a', LlmCacheLimits.MaxKeyLength + 1)).Validate());
        Assert.Contains(LlmCacheLimits.MaxKeyLength.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_TooManyOrTooLong_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => LlmCacheLimits.ValidateTags(Enumerable.Range(0, LlmCacheLimits.MaxTagsPerEntry + 1).Select(i => $"t{i}").ToList()));
        Assert.Throws<ArgumentException>(() => LlmCacheLimits.ValidateTags([new string('t', LlmCacheLimits.MaxTagLength + 1)]));
        LlmCacheLimits.ValidateTags(["product-catalog", "pricing:v2"]);
    }

    [Fact]
    public void CacheKey_TenantAndNamespace_AreInTheGrainKey()
    {
        var hash = new PromptRequest("p", "gpt-4", 0.7, 10).ComputeHash();
        var keys = new[] { new CacheKey("a", "n", hash), new CacheKey("b", "n", hash), new CacheKey("a", "m", hash) };
        Assert.Equal(3, keys.Select(k => k.ToGrainKey()).Distinct().Count());
        Assert.Equal(keys[0], CacheKey.Parse(keys[0].ToGrainKey()));
    }
}
