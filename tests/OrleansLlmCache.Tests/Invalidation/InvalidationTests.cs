using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>Tags, dependencies, patterns, overwrites and removals reach every app server's L1 before the call returns.</summary>
[Collection(TwoAppServersCollection.Name)]
[Trait("Category", "Integration")]
public sealed class InvalidationTests(TwoAppServersFixture fixture)
{
    private readonly string _tenant = "t" + Guid.NewGuid().ToString("N")[..10];

    private ILlmCache A => fixture.A.Cache;

    private ILlmCache B => fixture.B.Cache;

    [Fact]
    public async Task InvalidateTag_OnOneAppServer_MakesTheOtherMissAtOnce_AndLeavesUntaggedEntries()
    {
        var tagged1 = Key("content", "a");
        var tagged2 = Key("content", "b");
        var untagged = Key("content", "c");
        await A.SetAsync(tagged1, Answer("a"), Tagged("release-notes"));
        await A.SetAsync(tagged2, Answer("b"), Tagged("release-notes"));
        await A.SetAsync(untagged, Answer("c"));

        // B reads each twice: the second read is an L1 hit.
        foreach (var key in new[] { tagged1, tagged2, untagged })
        {
            await B.GetAsync(key);
        }

        var l1Before = B.Statistics.L1Hits;
        await B.GetOrCreateAsync(tagged1, NeverCalled);
        Assert.Equal(l1Before + 1, B.Statistics.L1Hits);

        var result = await A.InvalidateTagAsync("release-notes", _tenant);

        Assert.Equal(2, result.EntriesReached);
        Assert.True(result.SubscribersNotified >= 3, $"the silo and both app servers acknowledge; got {result.SubscribersNotified}");
        Assert.Null(await B.GetAsync(tagged1));
        Assert.Null(await B.GetAsync(tagged2));
        Assert.Null(await A.GetAsync(tagged1));
        Assert.Equal("c", (await B.GetAsync(untagged))?.Response.Content);

        // A new answer under the same tag is served again.
        await A.SetAsync(tagged1, Answer("a2"), Tagged("release-notes"));
        Assert.Equal("a2", (await B.GetAsync(tagged1))?.Response.Content);
    }

    [Fact]
    public async Task InvalidateDependency_MakesEveryEntryBuiltOnItMiss()
    {
        var price = Key("support", "price");
        var stock = Key("support", "stock");
        var other = Key("support", "hours");
        await A.SetAsync(price, Answer("$10"), new LlmCacheEntryOptions { Dependencies = ["product-catalog", "pricing-rules"] });
        await A.SetAsync(stock, Answer("12 left"), new LlmCacheEntryOptions { Dependencies = ["product-catalog"] });
        await A.SetAsync(other, Answer("9-5"), new LlmCacheEntryOptions { Dependencies = ["opening-hours"] });
        await B.GetAsync(price);
        await B.GetAsync(stock);

        var result = await B.InvalidateDependencyAsync("product-catalog", _tenant);

        Assert.Equal(2, result.EntriesReached);
        Assert.Null(await A.GetAsync(price));
        Assert.Null(await B.GetAsync(stock));
        Assert.Equal("9-5", (await B.GetAsync(other))?.Response.Content);
    }

    [Fact]
    public async Task InvalidatePattern_ReachesMatchingNamespacesOnly()
    {
        var blog = Key("content:blog", "1");
        var email = Key("content:email", "1");
        var code = Key("code_analysis:python", "1");
        foreach (var key in new[] { blog, email, code })
        {
            await A.SetAsync(key, Answer(key.Namespace));
            await B.GetAsync(key);
        }

        var result = await A.InvalidatePatternAsync("content:*", _tenant);

        Assert.Equal(2, result.Keys.Count);
        Assert.Equal(2, result.EntriesReached);
        Assert.Null(await B.GetAsync(blog));
        Assert.Null(await B.GetAsync(email));
        Assert.Equal("code_analysis:python", (await B.GetAsync(code))?.Response.Content);

        var exact = await A.InvalidatePatternAsync("code_analysis:python", _tenant);
        Assert.Equal(1, exact.EntriesReached);
        Assert.Null(await B.GetAsync(code));
    }

    [Theory]
    [InlineData("*:python")]
    [InlineData("con?ent")]
    [InlineData("content:*:x*")]
    [InlineData("")]
    public async Task UnsupportedPattern_IsRefusedWithTheSupportedForms(string pattern)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await A.InvalidatePatternAsync(pattern, _tenant));
        Assert.Contains("prefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverwriteAndRemove_OnOneAppServer_ReachTheOthersL1()
    {
        var key = Key("default", "mutable");
        await A.SetAsync(key, Answer("v1"));
        Assert.Equal("v1", (await B.GetAsync(key))?.Response.Content);
        Assert.Equal("v1", (await B.GetAsync(key))?.Response.Content); // from L1

        await A.SetAsync(key, Answer("v2"));
        Assert.Equal("v2", (await B.GetAsync(key))?.Response.Content);

        Assert.True(await A.RemoveAsync(key));
        Assert.Null(await B.GetAsync(key));
    }

    [Fact]
    public async Task L1_AnswersRepeatedHitsWithoutTheCluster_AndRespectsExpiry()
    {
        var key = Key("default", "short-lived");
        // Long enough that a loaded machine still reads it ten times before it expires; the check after expiry is exact.
        await A.SetAsync(key, Answer("brief"), LlmCacheEntryOptions.Expiring(TimeSpan.FromSeconds(3)));
        await B.GetAsync(key);
        var before = B.Statistics.L1Hits;
        for (var i = 0; i < 10; i++)
        {
            await B.GetOrCreateAsync(key, NeverCalled);
        }

        Assert.Equal(before + 10, B.Statistics.L1Hits);
        await Task.Delay(TimeSpan.FromSeconds(3.2));
        Assert.Null(await B.GetAsync(key));
    }

    private CacheKey Key(string @namespace, string id) => new(_tenant, @namespace, id);

    private static CachedResponse Answer(string text) => new(text, "gpt-4", 10, 20);

    private static LlmCacheEntryOptions Tagged(string tag) => new() { Tags = [tag] };

    private static ValueTask<CachedResponse> NeverCalled(CancellationToken _) => throw new InvalidOperationException("the origin must not be called on a hit");
}
