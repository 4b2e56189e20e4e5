using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Client;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ChatClientMiddlewareTests(ClusterFixture fixture)
{
    // Each test gets its own namespace, so identical prompts in different tests never share entries.
    private readonly string _namespace = "chat" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task RepeatedRequest_IsAnsweredFromTheCache_WithTheSameResponse()
    {
        var origin = new TestChatClient();
        using var chat = Build(origin);

        var first = await chat.GetResponseAsync("What is 2+2?", new ChatOptions { ModelId = "gpt-4", Temperature = 0 });
        var second = await chat.GetResponseAsync("What is 2+2?", new ChatOptions { ModelId = "gpt-4", Temperature = 0 });

        Assert.Equal(1, origin.Calls);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Usage?.OutputTokenCount, second.Usage?.OutputTokenCount);
        Assert.Equal(nameof(LlmCacheSource.Origin), first.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(nameof(LlmCacheSource.Hit), second.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
    }

    [Fact]
    public async Task DifferentModelOrResponseFormat_IsNotServedTheOtherAnswer()
    {
        var origin = new TestChatClient();
        using var chat = Build(origin);

        await chat.GetResponseAsync("List three colours", new ChatOptions { ModelId = "gpt-4" });
        await chat.GetResponseAsync("List three colours", new ChatOptions { ModelId = "gpt-4o" });
        await chat.GetResponseAsync("List three colours", new ChatOptions { ModelId = "gpt-4", ResponseFormat = ChatResponseFormat.Json });

        Assert.Equal(3, origin.Calls);
    }

    [Fact]
    public async Task Streaming_MissStreamsFromTheOrigin_ThenAHitReplaysTheSameUpdates()
    {
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => Words(ct, "streamed", " answer", " here") };
        using var chat = Build(origin);

        var firstUpdates = await ToListAsync(chat.GetStreamingResponseAsync("stream please"));
        var secondUpdates = await ToListAsync(chat.GetStreamingResponseAsync("stream please"));

        Assert.Equal(1, origin.Calls);
        Assert.Equal("streamed answer here", string.Concat(firstUpdates.Select(u => u.Text)));
        Assert.Equal("streamed answer here", string.Concat(secondUpdates.Select(u => u.Text)));

        // The streamed answer serves a non-streaming request for the same thing too.
        var nonStreaming = await chat.GetResponseAsync("stream please");
        Assert.Equal("streamed answer here", nonStreaming.Text);
        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public async Task Streaming_RequestsAreCountedLikeAnyOther_AndAReplaySaysWhereItCameFrom()
    {
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => Words(ct, "counted", " stream") };
        using var chat = Build(origin);
        var statistics = fixture.Cache.Statistics;
        var (hits, misses) = (statistics.Hits, statistics.Misses);

        var miss = await ToListAsync(chat.GetStreamingResponseAsync("count my stream"));
        var hit = await ToListAsync(chat.GetStreamingResponseAsync("count my stream"));

        Assert.Equal((hits + 1, misses + 1), (statistics.Hits, statistics.Misses));
        Assert.Null(miss[0].AdditionalProperties?.GetValueOrDefault(OrleansLlmCacheChatClient.SourceProperty)); // the origin's own update
        Assert.Equal(nameof(LlmCacheSource.Hit), hit[0].AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
    }

    [Fact]
    public async Task Streaming_AbandonedOrFailedStream_IsNotCached()
    {
        var failOnce = true;
        var origin = new TestChatClient
        {
            OnGetStreamingResponse = (_, _, ct) => failOnce ? Failing(ct) : Words(ct, "complete"),
        };
        using var chat = Build(origin);

        // Abandoned after the first update.
        await foreach (var _ in chat.GetStreamingResponseAsync("partial?", new ChatOptions { ModelId = "m1" }))
        {
            break;
        }

        // Failed midway.
        await Assert.ThrowsAsync<InvalidOperationException>(() => ToListAsync(chat.GetStreamingResponseAsync("partial?", new ChatOptions { ModelId = "m2" })));

        failOnce = false;
        var complete = await ToListAsync(chat.GetStreamingResponseAsync("partial?", new ChatOptions { ModelId = "m1" }));
        Assert.Equal("complete", string.Concat(complete.Select(u => u.Text)));
        Assert.Equal(3, origin.Calls);
    }

    [Fact]
    public async Task OriginError_IsNotCached_AndTheNextRequestAsksAgain()
    {
        var origin = new TestChatClient();
        var fail = true;
        var defaultAnswer = origin.OnGetResponse;
        origin.OnGetResponse = (m, o, ct) => fail ? throw new HttpRequestException("503 from origin") : defaultAnswer(m, o, ct);
        using var chat = Build(origin);

        await Assert.ThrowsAsync<HttpRequestException>(() => chat.GetResponseAsync("flaky?"));
        fail = false;
        var answer = await chat.GetResponseAsync("flaky?");

        Assert.Equal(2, origin.Calls);
        Assert.Equal("answer to flaky?", answer.Text);
    }

    [Fact]
    public async Task ContentFilteredAnswer_IsReturnedButNotCached()
    {
        var origin = new TestChatClient
        {
            OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "[filtered]")) { FinishReason = ChatFinishReason.ContentFilter }),
        };
        using var chat = Build(origin);

        Assert.Equal("[filtered]", (await chat.GetResponseAsync("something edgy")).Text);
        Assert.Equal("[filtered]", (await chat.GetResponseAsync("something edgy")).Text);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task ContentFilteredAnswer_CountsAsAMiss_AndIsNotLoggedAsAFailedOriginCall()
    {
        // A cache of its own, to read its statistics and its log alone.
        var services = fixture.Cluster.Client.ServiceProvider;
        var log = new FakeLogCollector();
        var statistics = new LlmCacheStatistics(services.GetRequiredService<IMeterFactory>());
        var observer = new CacheOutcomeObserver(
            statistics, new ClusterStatisticsCollector(services.GetRequiredService<IOptions<LlmCacheOptions>>()), new FakeLogger<CacheOutcomeObserver>(log));
        var cache = ActivatorUtilities.CreateInstance<GrainLlmCache>(
            services,
            statistics,
            observer,
            ActivatorUtilities.CreateInstance<SingleFlight>(services, observer),
            ActivatorUtilities.CreateInstance<ClusterReader>(services, observer),
            new FakeLogger<GrainLlmCache>(log));
        var origin = new TestChatClient
        {
            OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "[filtered]")) { FinishReason = ChatFinishReason.ContentFilter }),
        };
        using var chat = new ChatClientBuilder(origin).UseOrleansLlmCache(o => o.Namespace = _namespace, cache).Build();

        Assert.Equal("[filtered]", (await chat.GetResponseAsync("something else edgy")).Text);
        Assert.Equal("[filtered]", (await chat.GetResponseAsync("something else edgy")).Text);

        Assert.Equal(2, origin.Calls);
        Assert.Equal((2L, 0L, 0L), (statistics.Misses, statistics.Errors, statistics.Hits));
        Assert.DoesNotContain(log.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task PerRequestOptOut_AlwaysAsksTheOrigin()
    {
        var origin = new TestChatClient();
        using var chat = Build(origin);

        await chat.GetResponseAsync("fresh please", new ChatOptions().WithoutLlmCache());
        await chat.GetResponseAsync("fresh please", new ChatOptions().WithoutLlmCache());
        await ToListAsync(chat.GetStreamingResponseAsync("fresh please", new ChatOptions().WithoutLlmCache()));

        Assert.Equal(3, origin.Calls);
    }

    [Fact]
    public async Task ConcurrentIdenticalRequests_MakeOneOriginCall()
    {
        var origin = new TestChatClient();
        var gate = new TaskCompletionSource();
        var defaultAnswer = origin.OnGetResponse;
        origin.OnGetResponse = async (m, o, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return await defaultAnswer(m, o, ct);
        };
        using var chat = Build(origin);

        var requests = Enumerable.Range(0, 50).Select(_ => chat.GetResponseAsync("popular question")).ToList();
        await Eventually.WaitUntilAsync(() => origin.Calls >= 1, TimeSpan.FromSeconds(30), () => "no request reached the origin within 30 s");
        gate.SetResult();
        var answers = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, origin.Calls);
        Assert.All(answers, a => Assert.Equal("answer to popular question", a.Text));
    }

    private IChatClient Build(IChatClient origin) =>
        new ChatClientBuilder(origin).UseOrleansLlmCache(o => o.Namespace = _namespace, fixture.Cache).Build();

    private static async IAsyncEnumerable<ChatResponseUpdate> Words([EnumeratorCancellation] CancellationToken ct, params string[] words)
    {
        foreach (var word in words)
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, word) { ModelId = "test-model" };
        }

        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop };
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Failing([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "half an ans");
        ct.ThrowIfCancellationRequested();
        throw new InvalidOperationException("connection reset mid-stream");
    }

    private static async Task<List<ChatResponseUpdate>> ToListAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}
