using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// HybridCache's LocalInvalidationTests (tag-based and <c>*</c> invalidation) against the cluster: a removal by tag is
/// the cluster's tag invalidation, and <c>*</c> invalidates the adapter's namespace.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class HybridCacheTagTests(AdapterClusterFixture fixture)
{
    private readonly string _key = "tags:" + Guid.NewGuid().ToString("N");
    private readonly string _tag = "tag-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task GlobalInvalidateNoTags()
    {
        var value = await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid);
        Assert.Equal(value, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid));

        await fixture.Hybrid.RemoveByTagAsync(_tag);
        Assert.Equal(value, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid));

        await fixture.Hybrid.RemoveByTagAsync("*");
        var newValue = await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid);
        Assert.NotEqual(value, newValue);
        Assert.Equal(newValue, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid));
    }

    [Fact]
    public async Task TagBasedInvalidate()
    {
        string[] tags = [_tag];
        var value = await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, tags: tags);
        Assert.Equal(value, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, tags: tags));

        await fixture.Hybrid.RemoveByTagAsync("tag-nobody-uses");
        Assert.Equal(value, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, tags: tags));

        await fixture.Hybrid.RemoveByTagAsync(_tag);
        var newValue = await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, tags: tags);
        Assert.NotEqual(value, newValue);
        Assert.Equal(newValue, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, tags: tags));

        await fixture.Hybrid.RemoveByTagAsync("*");
        var afterAll = await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, tags: tags);
        Assert.NotEqual(newValue, afterAll);
        Assert.Equal(afterAll, await fixture.Hybrid.GetOrCreateAsync(_key, NewGuid, tags: tags));
    }

    [Fact]
    public async Task ATagThatIsNotAKeyPart_IsMapped_AndRemovesByTheSameString()
    {
        var tag = "region/eu west " + _tag;
        await fixture.Hybrid.SetAsync(_key, "tagged", tags: [tag, "other " + _tag]);

        await fixture.Hybrid.RemoveByTagAsync(tag + "x");
        Assert.Equal("tagged", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));

        await fixture.Hybrid.RemoveByTagAsync(tag);
        Assert.Equal("factory", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));
    }

    [Fact]
    public async Task RemoveByManyTags_RemovesTheValuesOfEach()
    {
        var other = _key + ":other";
        await fixture.Hybrid.SetAsync(_key, "first", tags: [_tag + "-a"]);
        await fixture.Hybrid.SetAsync(other, "second", tags: [_tag + "-b"]);

        await fixture.Hybrid.RemoveByTagAsync([_tag + "-a", _tag + "-b"]);

        Assert.Equal("new", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("new")));
        Assert.Equal("new", await fixture.Hybrid.GetOrCreateAsync(other, _ => new ValueTask<string>("new")));
    }

    [Fact]
    public async Task TheWildcardAndEmptyTags_CannotBeGivenToAValue_AndRemovingByAnEmptyTagDoesNothing()
    {
        await fixture.Hybrid.SetAsync(_key, "kept");

        var wildcard = await Assert.ThrowsAsync<ArgumentException>(async () => await fixture.Hybrid.SetAsync(_key, "x", tags: ["*"]));
        var empty = await Assert.ThrowsAsync<ArgumentException>(async () => await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("x"), tags: [" "]));
        await fixture.Hybrid.RemoveByTagAsync(" ");
        await fixture.Hybrid.RemoveByTagAsync((IEnumerable<string>)null!);

        Assert.Contains("reserved", wildcard.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be empty", empty.Message, StringComparison.Ordinal);
        Assert.Equal("kept", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));
    }

    [Fact]
    public async Task AnAdapterTag_IsTheTenantsTag_SoTheCacheClientInvalidatesIt()
    {
        await fixture.Hybrid.SetAsync(_key, "tagged", tags: [_tag]);

        await fixture.Cache.InvalidateTagAsync(_tag);

        Assert.Equal("factory", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));
    }

    [Fact]
    public async Task TheWildcard_ReachesOnlyTheAdaptersNamespace()
    {
        var elsewhere = new OrleansLlmCache.Abstractions.Keys.CacheKey("default", "hybrid-neighbour", "n" + Guid.NewGuid().ToString("N"));
        await fixture.Cache.SetAsync(elsewhere, new CachedResponse("kept", "gpt-4"));
        await fixture.Hybrid.SetAsync(_key, "removed");

        await fixture.Hybrid.RemoveByTagAsync("*");

        Assert.Equal("kept", (await fixture.Cache.GetAsync(elsewhere))?.Response.Content);
        Assert.Equal("factory", await fixture.Hybrid.GetOrCreateAsync(_key, _ => new ValueTask<string>("factory")));
    }

    private static ValueTask<Guid> NewGuid(CancellationToken cancellationToken) => new(Guid.NewGuid());
}
