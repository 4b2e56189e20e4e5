using Microsoft.Extensions.AI;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.PerRequest;

/// <summary>
/// Per-request cache settings through <see cref="ChatCacheOptionsExtensions.WithLlmCache"/>, against a real silo: a
/// forced refresh, read-only, skipping L1 on read and on write, and a request's own time to live, namespace and tags.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ChatPerRequestCacheTests(PerRequestClusterFixture fixture) : IClassFixture<PerRequestClusterFixture>
{
    private readonly string _namespace = "perreq" + Guid.NewGuid().ToString("N")[..12];

    private ILlmCache Cache => fixture.Client.Cache;

    [Fact]
    public async Task ForceRefresh_AsksTheOriginAndStoresItsAnswer_EvenWhenCached()
    {
        var (origin, chat) = Numbered();
        var question = Unique("What changed today?");

        var first = await chat.GetResponseAsync(question);
        var forced = await chat.GetResponseAsync(question, new ChatOptions().WithLlmCache(c => c.ForceRefresh = true));
        var after = await chat.GetResponseAsync(question);

        Assert.Equal("answer 1", first.Text);
        Assert.Equal("answer 2", forced.Text);
        Assert.Equal(nameof(LlmCacheSource.Origin), forced.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal("answer 2", after.Text); // the forced answer replaced the cached one, in L1 too
        Assert.Equal(nameof(LlmCacheSource.Hit), after.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task ForceRefresh_Streaming_StreamsTheOriginsAnswer_AndStoresIt()
    {
        var (origin, chat) = Numbered();
        var question = Unique("Stream the news");
        await chat.GetResponseAsync(question);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(question, new ChatOptions().WithLlmCache(c => c.ForceRefresh = true)))
        {
            updates.Add(update);
        }

        Assert.Equal("answer 2", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("answer 2", (await chat.GetResponseAsync(question)).Text);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task ReadOnly_AnswersHitsFromTheCache_AndNeverStores()
    {
        var (origin, chat) = Numbered();
        var readOnly = new ChatOptions().WithLlmCache(c => c.ReadOnly = true);
        var uncached = Unique("Not to be kept");

        var miss = await chat.GetResponseAsync(uncached, readOnly);
        Assert.Equal("answer 1", miss.Text);
        Assert.Equal(nameof(LlmCacheSource.Origin), miss.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Null(await Cache.GetAsync(KeyOf(uncached)));
        Assert.Equal("answer 2", (await chat.GetResponseAsync(uncached, readOnly)).Text); // still a miss

        // A read-only request is answered from what others stored.
        var cached = Unique("Kept by another request");
        await chat.GetResponseAsync(cached);
        var hit = await chat.GetResponseAsync(cached, readOnly);
        Assert.Equal("answer 3", hit.Text);
        Assert.Equal(nameof(LlmCacheSource.Hit), hit.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);

        // ... and a forced refresh that is read-only too asks the origin and leaves the entry as it was.
        Assert.Equal("answer 4", (await chat.GetResponseAsync(cached, new ChatOptions().WithLlmCache(c => { c.ReadOnly = true; c.ForceRefresh = true; }))).Text);
        Assert.Equal("answer 3", (await Cache.GetAsync(KeyOf(cached)))?.Response.Content is { } stored ? Text(stored) : null);
        Assert.Equal(4, origin.Calls);
    }

    [Fact]
    public async Task ReadOnly_Streaming_IsNotStored()
    {
        var (origin, chat) = Numbered();
        var question = Unique("A streamed answer not to be kept");

        await foreach (var update in chat.GetStreamingResponseAsync(question, new ChatOptions().WithLlmCache(c => c.ReadOnly = true)))
        {
            Assert.NotNull(update);
        }

        Assert.Equal(1, origin.Calls);
        Assert.Null(await Cache.GetAsync(KeyOf(question)));
    }

    [Fact]
    public async Task SkipL1Read_ReadsTheCluster_AndSkipL1Write_LeavesNoCopy()
    {
        var (origin, chat) = Numbered();
        var statistics = Cache.Statistics;
        var question = Unique("Where is the copy?");

        // Stored without a copy in L1: the next plain request is answered by the silo, and fills L1.
        await chat.GetResponseAsync(question, new ChatOptions().WithLlmCache(c => c.SkipL1Write = true));
        var (hits, l1Hits) = (statistics.Hits, statistics.L1Hits);
        await chat.GetResponseAsync(question);
        Assert.Equal((hits + 1, l1Hits), (statistics.Hits, statistics.L1Hits));

        await chat.GetResponseAsync(question);
        Assert.Equal((hits + 2, l1Hits + 1), (statistics.Hits, statistics.L1Hits));

        // L1 holds a copy now; a request that skips the L1 read is answered by the silo all the same.
        await chat.GetResponseAsync(question, new ChatOptions().WithLlmCache(c => c.SkipL1Read = true));
        Assert.Equal((hits + 3, l1Hits + 1), (statistics.Hits, statistics.L1Hits));
        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public async Task TimeToLiveAndTags_OfTheRequest_AreTheEntrys_AndItsTagInvalidatesIt()
    {
        var (origin, chat) = Numbered();
        var question = Unique("Tagged per request");
        var tag = "release-" + Guid.NewGuid().ToString("N")[..8];

        await chat.GetResponseAsync(question, new ChatOptions().WithLlmCache(c => { c.TimeToLive = TimeSpan.FromMinutes(7); c.Tags = [tag]; }));
        var entry = await Cache.GetAsync(KeyOf(question));
        Assert.NotNull(entry);
        Assert.Equal(TimeSpan.FromMinutes(7), entry.ExpiresAt - entry.CreatedAt);

        await Cache.InvalidateTagAsync(tag);
        Assert.Null(await Cache.GetAsync(KeyOf(question)));
        Assert.Equal("answer 2", (await chat.GetResponseAsync(question)).Text);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task Namespace_OfTheRequest_IsWhereTheAnswerIsStored_UnderTheSameId()
    {
        var (_, chat) = Numbered();
        var question = Unique("Which namespace?");
        var other = _namespace + "-other";

        await chat.GetResponseAsync(question, new ChatOptions().WithLlmCache(c => c.Namespace = other));

        Assert.Null(await Cache.GetAsync(KeyOf(question)));
        var key = KeyOf(question);
        Assert.NotNull(await Cache.GetAsync(Cache.CreateKey(key.Id, @namespace: other)));
    }

    [Fact]
    public async Task Settings_DoNotChangeTheKey_AndNeverReachTheOrigin()
    {
        var (origin, chat) = Numbered();
        ChatOptions? seen = null;
        var answer = origin.OnGetResponse;
        origin.OnGetResponse = (m, o, ct) =>
        {
            seen = o;
            return answer(m, o, ct);
        };
        var question = Unique("Same key?");
        await chat.GetResponseAsync(question, new ChatOptions { ModelId = "gpt-4o", Temperature = 0 });

        var withSettings = new ChatOptions { ModelId = "gpt-4o", Temperature = 0 }
            .WithLlmCache(c => { c.TimeToLive = TimeSpan.FromHours(2); c.Tags = ["t"]; c.Dependencies = ["d"]; c.SkipL1Write = true; });
        var hit = await chat.GetResponseAsync(question, withSettings);
        Assert.Equal(nameof(LlmCacheSource.Hit), hit.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(1, origin.Calls);

        await chat.GetResponseAsync(question, new ChatOptions { ModelId = "gpt-4o", Temperature = 0 }.WithLlmCache(c => c.ForceRefresh = true));
        Assert.Equal(2, origin.Calls);
        Assert.False(seen!.AdditionalProperties?.ContainsKey(ChatCacheKey.RequestOptionsProperty) ?? false);
        Assert.NotNull(withSettings.GetLlmCacheOptions()); // the caller's options are left as they were
    }

    [Fact]
    public async Task AWrongSetting_IsRefused_NamingIt()
    {
        var (origin, chat) = Numbered();

        var ttl = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            chat.GetResponseAsync(Unique("too long"), new ChatOptions().WithLlmCache(c => c.TimeToLive = TimeSpan.FromDays(400))));
        Assert.Contains("time to live", ttl.Message, StringComparison.OrdinalIgnoreCase);
        var ns = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            chat.GetResponseAsync(Unique("bad namespace"), new ChatOptions().WithLlmCache(c => c.Namespace = "no spaces allowed")));
        Assert.Contains("namespace", ns.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, origin.Calls);
    }

    private (TestChatClient Origin, OrleansLlmCacheChatClient Chat) Numbered()
    {
        var answers = 0;
        var origin = new TestChatClient
        {
            OnGetResponse = (_, options, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer " + Interlocked.Increment(ref answers)))
            {
                ModelId = options?.ModelId ?? "test-model",
                FinishReason = ChatFinishReason.Stop,
            }),
        };
        return (origin, new OrleansLlmCacheChatClient(origin, Cache, new OrleansLlmCacheChatClientOptions { Namespace = _namespace }));
    }

    private static string Unique(string question) => $"{question} ({Guid.NewGuid():N})";

    private CacheKey KeyOf(string question) =>
        Cache.CreateKey(ChatCacheKey.TryCompute([new ChatMessage(ChatRole.User, question)], null, "test-model", out _)!, @namespace: _namespace);

    // The answer text of a stored chat response.
    private static string Text(string storedJson) =>
        System.Text.Json.JsonSerializer.Deserialize<ChatResponse>(storedJson, AIJsonUtilities.DefaultOptions)!.Text;
}
