using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Client.Adapters;
using OrleansLlmCache.Tests.Infrastructure;
using static OrleansLlmCache.Tests.Adapters.AdapterAppServersFixture;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// Microsoft.Extensions.AI's own cache, <c>UseDistributedCache()</c>, over the adapter: answers land in the cluster,
/// where every app server finds them.
/// </summary>
[Collection(AdapterAppServersCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DistributedCachingChatClientTests(AdapterAppServersFixture fixture)
{
    [Fact]
    public async Task ARepeatedRequest_IsServedFromTheCluster_AndASecondAppServerSeesIt()
    {
        var question = "What is the capital of France? " + Guid.NewGuid();
        var (originA, chatA) = OnAppServer(fixture.A);
        var (originB, chatB) = OnAppServer(fixture.B);

        var first = await chatA.GetResponseAsync(question);
        var again = await chatA.GetResponseAsync(question);
        var onB = await chatB.GetResponseAsync(question);

        Assert.Equal(1, originA.Calls);
        Assert.Equal(0, originB.Calls);
        Assert.Equal("answer to " + question, first.Text);
        Assert.Equal(first.Text, again.Text);
        Assert.Equal(first.Text, onB.Text);
    }

    [Fact]
    public async Task AStreamedAnswer_IsCachedToo_AndReplayedOnTheOtherAppServer()
    {
        var question = "Name three primary colours. " + Guid.NewGuid();
        var (originA, chatA) = OnAppServer(fixture.A);
        var (originB, chatB) = OnAppServer(fixture.B);

        var streamed = await chatA.GetStreamingResponseAsync(question).ToChatResponseAsync();
        var replayed = await chatB.GetStreamingResponseAsync(question).ToChatResponseAsync();

        Assert.Equal(1, originA.Calls);
        Assert.Equal(0, originB.Calls);
        Assert.Equal(streamed.Text, replayed.Text);
    }

    [Fact]
    public async Task TheAnswer_IsStoredAsReadableJson_UnderTheChatClientsOwnKey()
    {
        var question = "Why is the sky blue? " + Guid.NewGuid();
        var recording = new KeyRecordingCache(Distributed(fixture.A));
        var chat = new ChatClientBuilder(new TestChatClient()).UseDistributedCache(recording).Build();

        await chat.GetResponseAsync(question);

        // The chat client's key (hex) is a valid key part, so it is the entry's key as it is.
        var key = Assert.Single(recording.KeysSet);
        Assert.Equal(key, AdapterKeys.MapId(key));
        var entry = await fixture.A.Cache.GetAsync(new CacheKey("default", "distributed", key));
        Assert.NotNull(entry);
        Assert.EndsWith("encoding=utf-8", entry.Response.ContentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(entry.Response.Content);
        Assert.Contains("answer to " + question, entry.Response.Content, StringComparison.Ordinal);
    }

    // An app server's chat client: a counting origin behind Microsoft.Extensions.AI's cache over the app server's adapter.
    private static (TestChatClient Origin, IChatClient Chat) OnAppServer(ClientHost host)
    {
        var origin = new TestChatClient();
        return (origin, new ChatClientBuilder(origin).UseDistributedCache(Distributed(host)).Build());
    }

    /// <summary>Passes every call to the adapter and writes down the keys set.</summary>
    private sealed class KeyRecordingCache(IDistributedCache inner) : IDistributedCache
    {
        public List<string> KeysSet { get; } = [];

        public byte[]? Get(string key) => inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => inner.GetAsync(key, token);

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            KeysSet.Add(key);
            inner.Set(key, value, options);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            KeysSet.Add(key);
            return inner.SetAsync(key, value, options, token);
        }
    }
}
