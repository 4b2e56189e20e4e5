using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Adapters;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// The IDistributedCache adapter's contract against the cluster, sync and async: bytes in and out exactly, absolute and
/// relative expiration on the silo's clock, sliding expiration refused, Refresh a no-op, and the size limits.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DistributedCacheAdapterTests(AdapterClusterFixture fixture)
{
    private static readonly DistributedCacheEntryOptions NoExpiration = new();

    private readonly string _key = "distributed:" + Guid.NewGuid().ToString("N");

    [Fact]
    public void IDistributedCache_ResolvesToTheClusterAdapter() => Assert.IsType<ClusterDistributedCache>(fixture.Distributed);

    [Fact]
    public async Task SetGetRemove_Async_RoundTripTextAndBinaryExactly()
    {
        byte[] json = "{\"answer\":\"Zoë 🙂\"}"u8.ToArray();
        byte[] binary = [0, 255, 1, 2, 0];

        await fixture.Distributed.SetAsync(_key, json, NoExpiration);
        await fixture.Distributed.SetAsync(_key + ":bin", binary, NoExpiration);

        Assert.Equal(json, await fixture.Distributed.GetAsync(_key));
        Assert.Equal(binary, await fixture.Distributed.GetAsync(_key + ":bin"));
        Assert.Equal(Encoding.UTF8.GetString(json), (await fixture.Cache.GetAsync(AdapterClusterFixture.DistributedKey(_key)))?.Response.Content);

        await fixture.Distributed.RemoveAsync(_key);
        Assert.Null(await fixture.Distributed.GetAsync(_key));
        Assert.Null(await fixture.Distributed.GetAsync("never set " + _key));
    }

    [Fact]
    public void SetGetRemove_Sync()
    {
        fixture.Distributed.Set(_key, [1, 2, 3], NoExpiration);

        Assert.Equal(new byte[] { 1, 2, 3 }, fixture.Distributed.Get(_key));
        fixture.Distributed.Remove(_key);
        Assert.Null(fixture.Distributed.Get(_key));
    }

    [Fact]
    public async Task AbsoluteExpirationRelativeToNow_IsTheEntrysTimeToLive()
    {
        await fixture.Distributed.SetAsync(_key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) });

        await AssertLivesForAsync(TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task AbsoluteExpiration_IsHonoured_AndTheEarlierOfTheTwoWins()
    {
        var now = fixture.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await fixture.Distributed.SetAsync(_key, [1], new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = now + TimeSpan.FromMinutes(5),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1),
        });

        // Computed a moment after "now" above: a little under five minutes.
        fixture.Time.Advance(TimeSpan.FromMinutes(4));
        await AssertLivesForAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task WithoutAnExpiration_TheNamespacesPolicyDecides_TwentyFourHoursByDefault()
    {
        await fixture.Distributed.SetAsync(_key, [1], NoExpiration);

        await AssertLivesForAsync(TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task SlidingExpiration_IsRefused_AndNothingIsStored()
    {
        var error = await Assert.ThrowsAsync<NotSupportedException>(() =>
            fixture.Distributed.SetAsync(_key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) }));

        Assert.Contains("Use AbsoluteExpirationRelativeToNow", error.Message, StringComparison.Ordinal);
        Assert.Null(await fixture.Distributed.GetAsync(_key));
    }

    [Fact]
    public async Task AnExpirationInThePast_IsRefused()
    {
        var now = fixture.Services.GetRequiredService<TimeProvider>().GetUtcNow();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            fixture.Distributed.SetAsync(_key, [1], new DistributedCacheEntryOptions { AbsoluteExpiration = now - TimeSpan.FromSeconds(1) }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            fixture.Distributed.SetAsync(_key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.Zero }));
        Assert.Null(await fixture.Distributed.GetAsync(_key));
    }

    [Fact]
    public async Task Refresh_KeepsTheValueAndItsExpiry()
    {
        await fixture.Distributed.SetAsync(_key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });

        fixture.Time.Advance(TimeSpan.FromSeconds(59));
        fixture.Distributed.Refresh(_key);
        await fixture.Distributed.RefreshAsync(_key);
        Assert.Equal(new byte[] { 1 }, await fixture.Distributed.GetAsync(_key));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await fixture.Distributed.GetAsync(_key));
    }

    [Fact]
    public async Task ValuesUpToTheLimits_AreStored_AndLargerOnesRefusedWithAClearError()
    {
        var text = Encoding.ASCII.GetBytes(new string('a', 1024 * 1024));
        var binary = new byte[786_432];
        binary[0] = 0xFF;

        await fixture.Distributed.SetAsync(_key, text, NoExpiration);
        await fixture.Distributed.SetAsync(_key + ":bin", binary, NoExpiration);
        var tooLarge = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Distributed.SetAsync(_key, [.. binary, 1], NoExpiration));

        Assert.Contains("786,433 bytes serialized", tooLarge.Message, StringComparison.Ordinal);
        Assert.Equal(text, await fixture.Distributed.GetAsync(_key));
        Assert.Equal(binary, await fixture.Distributed.GetAsync(_key + ":bin"));
    }

    [Fact]
    public async Task AnEntryTheAdapterDidNotWrite_ReadsAsAMiss()
    {
        await fixture.Cache.SetAsync(AdapterClusterFixture.DistributedKey(_key), new CachedResponse("Paris.", "gpt-4"));
        await fixture.Hybrid.SetAsync(_key, "a HybridCache value");

        Assert.Null(await fixture.Distributed.GetAsync(_key));
    }

    // Served until `lifetime` from the clock's present, and not a second after.
    private async Task AssertLivesForAsync(TimeSpan lifetime)
    {
        fixture.Time.Advance(lifetime - TimeSpan.FromSeconds(1));
        Assert.NotNull(await fixture.Distributed.GetAsync(_key));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await fixture.Distributed.GetAsync(_key));
    }
}
