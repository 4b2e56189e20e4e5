using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Testing;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Client;

/// <summary>
/// The scenarios of Microsoft.Extensions.AI's own caching tests (<c>DistributedCachingChatClientTest</c>) run against
/// this middleware on a real cluster. Where the middleware differs on purpose the scenario says so: concurrent identical
/// misses share one origin call (ChatClientMiddlewareTests), and a streamed answer also serves the same request unstreamed.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ChatClientCachingScenarioTests(ClusterFixture fixture)
{
    // Each test gets its own namespace, so identical prompts in different tests never share entries.
    private readonly string _namespace = "peer" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeLogger _log = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CachesSuccessResults_AndAMissReturnsTheOriginsOwnResponse(bool conversationIdSet)
    {
        var options = new ChatOptions { ConversationId = conversationIdSet ? "123" : null };
        var expected = new ChatResponse(
            new ChatMessage(new ChatRole("fakeRole"), "This is some content")
            {
                AdditionalProperties = new() { ["a"] = "b" },
                Contents = [new FunctionCallContent("someCallId", "functionName", new Dictionary<string, object?>
                {
                    ["arg1"] = "value1",
                    ["arg2"] = 123,
                    ["arg3"] = 123.4,
                    ["arg4"] = true,
                    ["arg5"] = false,
                    ["arg6"] = null,
                })],
            })
        {
            ResponseId = "someId",
            Usage = new()
            {
                InputTokenCount = 123,
                OutputTokenCount = 456,
                TotalTokenCount = 99999,
                AdditionalCounts = new() { ["someValue"] = 1_234_567 },
            },
            CreatedAt = DateTimeOffset.UtcNow,
            ModelId = "someModel",
            AdditionalProperties = new() { ["key1"] = "value1", ["key2"] = 123 },
        };
        var origin = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(expected) };
        using var chat = Build(origin);

        var first = await chat.GetResponseAsync("some input", options);
        Assert.Same(expected, first);
        Assert.Equal(1, origin.Calls);

        var second = await chat.GetResponseAsync("some input", options);
        Assert.Equal(conversationIdSet ? 2 : 1, origin.Calls);
        AssertResponsesEqual(expected, second);

        // A different input is not answered with the cached response.
        await chat.GetResponseAsync("some modified input", options);
        Assert.Equal(conversationIdSet ? 3 : 2, origin.Calls);
    }

    [Fact]
    public async Task Miss_KeepsTheProvidersRawRepresentation_AndAHitIsACopyWithoutIt()
    {
        var provider = new ProviderPayload("fp_44709d6fcb", Refusal: null, LogProbabilities: [-0.01, -0.2]);
        var content = new TextContent("Paris") { RawRepresentation = provider };
        var message = new ChatMessage(ChatRole.Assistant, [content]) { RawRepresentation = provider };
        var expected = new ChatResponse(message) { RawRepresentation = provider, ModelId = "gpt-4o", FinishReason = ChatFinishReason.Stop };
        var origin = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(expected) };
        using var chat = Build(origin);

        var miss = await chat.GetResponseAsync("Capital of France?");
        Assert.Same(provider, miss.RawRepresentation);
        Assert.Same(provider, miss.Messages.Single().RawRepresentation);
        Assert.Same(provider, miss.Messages.Single().Contents.Single().RawRepresentation);

        // Provider objects do not survive the trip through the cluster: a hit is the stored JSON copy.
        var hit = await chat.GetResponseAsync("Capital of France?");
        Assert.Equal(1, origin.Calls);
        Assert.NotSame(expected, hit);
        Assert.Null(hit.RawRepresentation);
        Assert.Equal("Paris", hit.Text);
        Assert.Equal(nameof(LlmCacheSource.Hit), hit.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
    }

    [Fact]
    public async Task StreamingMiss_YieldsTheOriginsOwnUpdates()
    {
        var provider = new ProviderPayload("fp_1", Refusal: null, LogProbabilities: []);
        ChatResponseUpdate[] updates =
        [
            new(ChatRole.Assistant, "Hello") { RawRepresentation = provider },
            new(ChatRole.Assistant, " there") { RawRepresentation = provider },
        ];
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, _) => Yield(Task.CompletedTask, updates) };
        using var chat = Build(origin);

        var miss = await ToListAsync(chat.GetStreamingResponseAsync("greet me"));

        Assert.Equal(updates.Length, miss.Count);
        Assert.All(miss.Zip(updates), pair => Assert.Same(pair.Second, pair.First));
    }

    [Fact]
    public async Task DoesNotCacheExceptionResults()
    {
        var origin = new TestChatClient { OnGetResponse = (_, _, _) => throw new InvalidTimeZoneException("some failure") };
        using var chat = Build(origin);

        var first = await Assert.ThrowsAsync<InvalidTimeZoneException>(() => chat.GetResponseAsync("abc"));
        var second = await Assert.ThrowsAsync<InvalidTimeZoneException>(() => chat.GetResponseAsync("abc"));

        Assert.NotSame(first, second);
        Assert.Equal("some failure", second.Message);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task DoesNotCacheCanceledResults()
    {
        var resolution = new TaskCompletionSource();
        var origin = new TestChatClient();
        origin.OnGetResponse = async (_, _, _) =>
        {
            if (origin.Calls == 1)
            {
                await resolution.Task;
            }

            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "A good result"));
        };
        using var chat = Build(origin);

        var first = chat.GetResponseAsync("abc");
        await Eventually.WaitUntilAsync(() => origin.Calls == 1, TimeSpan.FromSeconds(10), () => "the origin was never asked");
        resolution.SetCanceled();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        var second = await chat.GetResponseAsync("abc");
        Assert.Equal(2, origin.Calls);
        Assert.Equal("A good result", second.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamingCachesSuccessResults(bool conversationIdSet)
    {
        var options = new ChatOptions { ConversationId = conversationIdSet ? "123" : null };
        ChatResponseUpdate[] actual =
        [
            new()
            {
                Role = new ChatRole("fakeRole2"),
                Contents =
                [
                    new FunctionCallContent("someCallId", "someFn", new Dictionary<string, object?> { ["arg1"] = "value1" }),
                    new UsageContent(new() { InputTokenCount = 123, OutputTokenCount = 456, TotalTokenCount = 99999 }),
                ],
            },
        ];

        // Coalesced: the usage moves out of the message into an update of its own.
        ChatResponseUpdate[] expectedCached =
        [
            new()
            {
                Role = new ChatRole("fakeRole2"),
                Contents = [new FunctionCallContent("someCallId", "someFn", new Dictionary<string, object?> { ["arg1"] = "value1" })],
            },
            new() { Contents = [new UsageContent(new() { InputTokenCount = 123, OutputTokenCount = 456, TotalTokenCount = 99999 })] },
        ];
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, _) => Yield(Task.CompletedTask, actual) };
        using var chat = Build(origin);

        AssertUpdatesEqual(actual, await ToListAsync(chat.GetStreamingResponseAsync("some input", options)));
        Assert.Equal(1, origin.Calls);

        var second = await ToListAsync(chat.GetStreamingResponseAsync("some input", options));
        Assert.Equal(conversationIdSet ? 2 : 1, origin.Calls);
        AssertUpdatesEqual(conversationIdSet ? actual : expectedCached, second);

        await ToListAsync(chat.GetStreamingResponseAsync("some modified input", options));
        Assert.Equal(conversationIdSet ? 3 : 2, origin.Calls);
    }

    [Fact]
    public async Task StreamingCoalescingPropagatesMetadata()
    {
        ChatResponseUpdate[] streamed =
        [
            new() { Role = ChatRole.Assistant, Contents = [new TextContent("Hello")] },
            new() { Role = ChatRole.Assistant, Contents = [new TextContent(" world, ")] },
            new() { Role = ChatRole.Assistant, Contents = [new TextContent("how ") { AdditionalProperties = new() { ["a"] = "b", ["c"] = "d" } }] },
            new()
            {
                Role = ChatRole.Assistant,
                Contents = [new TextContent("are you?") { AdditionalProperties = new() { ["e"] = "f", ["g"] = "h" } }],
                CreatedAt = DateTime.Parse("2024-10-11T19:23:36.0152137Z", DateTimeFormatInfo.InvariantInfo),
                ResponseId = "12345",
                MessageId = "someMessageId123",
                AuthorName = "Someone",
                FinishReason = ChatFinishReason.Length,
            },
        ];
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, _) => Yield(Task.CompletedTask, streamed) };
        using var chat = Build(origin);

        await ToListAsync(chat.GetStreamingResponseAsync("some input"));
        var item = Assert.Single(await ToListAsync(chat.GetStreamingResponseAsync("some input")));

        Assert.Equal(1, origin.Calls);
        Assert.Equal("Hello world, how are you?", item.Text);
        Assert.Equal("12345", item.ResponseId);
        Assert.Equal("someMessageId123", item.MessageId);
        Assert.Equal("Someone", item.AuthorName);
        Assert.Equal(ChatFinishReason.Length, item.FinishReason);
        Assert.Equal(DateTime.Parse("2024-10-11T19:23:36.0152137Z", DateTimeFormatInfo.InvariantInfo), item.CreatedAt);
        Assert.Equal("Hello world, how are you?", Assert.IsType<TextContent>(Assert.Single(item.Contents)).Text);
    }

    [Fact]
    public async Task StreamingConcurrentCalls_MakeOneOriginCall_AndALaterCallIsAHit()
    {
        // Unlike Microsoft.Extensions.AI's distributed caching client, streams are single-flight: a concurrent identical
        // request waits for the first one's stream and gets it replayed.
        var completion = new TaskCompletionSource();
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, _) => Yield(completion.Task, new ChatResponseUpdate(ChatRole.Assistant, "Chunk 1")) };
        using var chat = Build(origin);

        var first = ToListAsync(chat.GetStreamingResponseAsync("some input"));
        await Eventually.WaitUntilAsync(() => origin.Calls == 1, TimeSpan.FromSeconds(10), () => "the origin was never asked");
        var second = ToListAsync(chat.GetStreamingResponseAsync("some input"));
        Assert.False(first.IsCompleted);
        completion.SetResult();

        Assert.Equal("Chunk 1", Assert.Single(await first).Text);
        Assert.Equal("Chunk 1", Assert.Single(await second).Text);
        Assert.Equal("Chunk 1", Assert.Single(await ToListAsync(chat.GetStreamingResponseAsync("some input"))).Text);
        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public async Task StreamingDoesNotCacheExceptionResults()
    {
        var origin = new TestChatClient
        {
            OnGetStreamingResponse = (_, _, _) => Yield<ChatResponseUpdate>(
                Task.CompletedTask,
                () => new(ChatRole.Assistant, "Chunk 1"),
                () => throw new InvalidTimeZoneException("some failure")),
        };
        using var chat = Build(origin);

        var first = await Assert.ThrowsAsync<InvalidTimeZoneException>(() => ToListAsync(chat.GetStreamingResponseAsync("abc")));
        var second = await Assert.ThrowsAsync<InvalidTimeZoneException>(() => ToListAsync(chat.GetStreamingResponseAsync("abc")));

        Assert.NotSame(first, second);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task StreamingDoesNotCacheCanceledResults()
    {
        var completion = new TaskCompletionSource();
        var origin = new TestChatClient();
        origin.OnGetStreamingResponse = (_, _, _) => Yield<ChatResponseUpdate>(
            origin.Calls == 1 ? completion.Task : Task.CompletedTask,
            () => new(ChatRole.Assistant, "A good result"));
        using var chat = Build(origin);

        var first = ToListAsync(chat.GetStreamingResponseAsync("abc"));
        await Eventually.WaitUntilAsync(() => origin.Calls == 1, TimeSpan.FromSeconds(10), () => "the origin was never asked");
        completion.SetCanceled();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        var second = await ToListAsync(chat.GetStreamingResponseAsync("abc"));
        Assert.Equal("A good result", second[0].Text);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task CacheKeyVariesByChatOptions()
    {
        var origin = new TestChatClient
        {
            OnGetResponse = (_, options, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, options!.AdditionalProperties!["someKey"]!.ToString()))),
        };
        using var chat = Build(origin);

        var first = await chat.GetResponseAsync([], new ChatOptions { AdditionalProperties = new() { ["someKey"] = "value 1" } });
        var second = await chat.GetResponseAsync([], new ChatOptions { AdditionalProperties = new() { ["someKey"] = "value 1" } });
        Assert.Equal(1, origin.Calls);
        Assert.Equal("value 1", first.Text);
        Assert.Equal("value 1", second.Text);

        var third = await chat.GetResponseAsync([], new ChatOptions { AdditionalProperties = new() { ["someKey"] = "value 2" } });
        Assert.Equal(2, origin.Calls);
        Assert.Equal("value 2", third.Text);
    }

    [Fact]
    public async Task UnknownContent_IsReturnedUncached_AndTheLogSaysWhy()
    {
        var expected = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new CustomAIContent1("Hello", DateTime.UtcNow), new CustomAIContent2("Goodbye", 42)]));
        var origin = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(expected) };
        using var chat = Build(origin);

        Assert.Same(expected, await chat.GetResponseAsync("some input"));
        Assert.Same(expected, await chat.GetResponseAsync("some input"));

        Assert.Equal(2, origin.Calls);
        AssertLoggedUnserializable();
    }

    [Fact]
    public async Task StreamingUnknownContent_IsStreamedUncached_AndTheLogSaysWhy()
    {
        var updates = HelloThenCustomContent();
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, _) => Yield(Task.CompletedTask, updates) };
        using var chat = Build(origin);

        Assert.Equal(2, (await ToListAsync(chat.GetStreamingResponseAsync("some input"))).Count);
        Assert.Equal(2, (await ToListAsync(chat.GetStreamingResponseAsync("some input"))).Count);

        Assert.Equal(2, origin.Calls);
        AssertLoggedUnserializable();
    }

    [Fact]
    public async Task AnswerLargerThanAnEntry_IsReturnedUncached()
    {
        var expected = new ChatResponse(new ChatMessage(ChatRole.Assistant, new string('x', 1024 * 1024 + 1)));
        var origin = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(expected) };
        using var chat = Build(origin);

        Assert.Same(expected, await chat.GetResponseAsync("write a novel"));
        Assert.Equal(expected.Text.Length, (await ToListAsync(chat.GetStreamingResponseAsync("write a novel"))).Sum(u => u.Text.Length));

        Assert.Equal(2, origin.Calls);
        Assert.All(LogOf("ResponseNotStored"), r => Assert.Contains("bytes", r.Message, StringComparison.Ordinal));
        Assert.Equal(2, LogOf("ResponseNotStored").Count);
    }

    [Fact]
    public void Defaults_CoalesceStreamingUpdates_WithTheLibrarysJson()
    {
        var options = new OrleansLlmCacheChatClientOptions();

        Assert.True(options.CoalesceStreamingUpdates);
        Assert.Same(AIJsonUtilities.DefaultOptions, options.JsonSerializerOptions);
        Assert.Throws<ArgumentNullException>(() => options.JsonSerializerOptions = null!);
        var noResolver = Assert.Throws<ArgumentException>(() => Build(new TestChatClient(), o => o.JsonSerializerOptions = new JsonSerializerOptions()));
        Assert.Contains("TypeInfoResolver", noResolver.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [InlineData(null)]
    public async Task StreamingCoalescesConsecutiveTextChunks_UnlessToldNotTo(bool? coalesce)
    {
        ChatResponseUpdate[] streamed =
        [
            new(ChatRole.Assistant, "This"),
            new(ChatRole.Assistant, " becomes one chunk"),
            new() { Role = ChatRole.Assistant, Contents = [new FunctionCallContent("callId1", "separator")] },
            new(ChatRole.Assistant, "... and this"),
            new(ChatRole.Assistant, " becomes another"),
            new(ChatRole.Assistant, " one."),
        ];
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, _) => Yield(Task.CompletedTask, streamed) };
        using var chat = Build(origin, o => o.CoalesceStreamingUpdates = coalesce ?? o.CoalesceStreamingUpdates);

        await ToListAsync(chat.GetStreamingResponseAsync("some input"));
        var replay = await ToListAsync(chat.GetStreamingResponseAsync("some input"));

        Assert.Equal(1, origin.Calls);
        if (coalesce is null or true)
        {
            var update = Assert.Single(replay);
            Assert.Collection(
                update.Contents,
                c => Assert.Equal("This becomes one chunk", Assert.IsType<TextContent>(c).Text),
                c => Assert.IsType<FunctionCallContent>(c),
                c => Assert.Equal("... and this becomes another one.", Assert.IsType<TextContent>(c).Text));
        }
        else
        {
            Assert.Collection(
                replay,
                c => Assert.Equal("This", c.Text),
                c => Assert.Equal(" becomes one chunk", c.Text),
                c => Assert.IsType<FunctionCallContent>(Assert.Single(c.Contents)),
                c => Assert.Equal("... and this", c.Text),
                c => Assert.Equal(" becomes another", c.Text),
                c => Assert.Equal(" one.", c.Text));
        }

        // Either form answers the same request unstreamed, joined up.
        var unstreamed = await chat.GetResponseAsync("some input");
        Assert.Equal(1, origin.Calls);
        Assert.Equal("This becomes one chunk... and this becomes another one.", unstreamed.Text);
    }

    [Fact]
    public async Task StreamStoredAsItCame_IsReplayedJoinedUp_ByAClientThatCoalesces()
    {
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, _) => Yield(Task.CompletedTask, new ChatResponseUpdate(ChatRole.Assistant, "one"), new ChatResponseUpdate(ChatRole.Assistant, " two")) };
        using var asItCame = Build(origin, o => o.CoalesceStreamingUpdates = false);
        using var coalescing = Build(origin);

        await ToListAsync(asItCame.GetStreamingResponseAsync("count"));

        Assert.Equal("one two", Assert.Single(await ToListAsync(coalescing.GetStreamingResponseAsync("count"))).Text);
        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public async Task ResponseStoredWhole_IsReplayedAsItsUpdates_ByAClientThatKeepsChunking()
    {
        // Entries written before CoalesceStreamingUpdates existed are whole responses: they still serve every client.
        var origin = new TestChatClient();
        using var coalescing = Build(origin);
        using var asItCame = Build(origin, o => o.CoalesceStreamingUpdates = false);

        await coalescing.GetResponseAsync("whole?");
        var replay = await ToListAsync(asItCame.GetStreamingResponseAsync("whole?"));

        Assert.Equal(1, origin.Calls);
        Assert.Equal("answer to whole?", string.Concat(replay.Select(u => u.Text)));
        Assert.Equal(20, replay.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.OutputTokenCount);
    }

    [Fact]
    public async Task CanCacheCustomContentTypes_WithJsonSerializerOptionsThatKnowThem()
    {
        var expected = new ChatResponse(new ChatMessage(new ChatRole("fakeRole"), [new CustomAIContent1("Hello", DateTime.UtcNow), new CustomAIContent2("Goodbye", 42)]));
        var origin = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(expected) };
        using var chat = Build(origin, o => o.JsonSerializerOptions = KnowingCustomContent());

        Assert.Same(expected, await chat.GetResponseAsync("some input"));
        var hit = await chat.GetResponseAsync("some input");

        Assert.Equal(1, origin.Calls);
        AssertResponsesEqual(expected, hit);
        Assert.NotSame(expected.Messages.Last().Contents[0], hit.Messages.Last().Contents[0]);
        Assert.Equal(((CustomAIContent1)expected.Messages.Last().Contents[0]).Date, ((CustomAIContent1)hit.Messages.Last().Contents[0]).Date);
        Assert.Equal(42, ((CustomAIContent2)hit.Messages.Last().Contents[1]).Number);
        Assert.Empty(LogOf("ResponseNotStored"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamingCanCacheCustomContentTypes_WithJsonSerializerOptionsThatKnowThem(bool coalesce)
    {
        var updates = HelloThenCustomContent();
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, _) => Yield(Task.CompletedTask, updates) };
        using var chat = Build(origin, o => { o.JsonSerializerOptions = KnowingCustomContent(); o.CoalesceStreamingUpdates = coalesce; });

        await ToListAsync(chat.GetStreamingResponseAsync("some input"));
        var replay = await ToListAsync(chat.GetStreamingResponseAsync("some input"));

        Assert.Equal(1, origin.Calls);
        Assert.Equal(coalesce ? 1 : 2, replay.Count);
        Assert.Equal(42, replay.SelectMany(u => u.Contents).OfType<CustomAIContent2>().Single().Number);
    }

    [Fact]
    public async Task EntryThisServerCannotRead_IsNotServed_AndTheOriginIsAsked()
    {
        // One app server knows the custom content and stores it; another one, without the type, must not fail on it.
        var expected = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new CustomAIContent2("Goodbye", 42)]));
        var origin = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(expected) };
        using var knowing = Build(origin, o => o.JsonSerializerOptions = KnowingCustomContent());
        using var unaware = Build(origin);

        await knowing.GetResponseAsync("some input");
        Assert.Same(expected, await unaware.GetResponseAsync("some input"));
        var streamed = await ToListAsync(unaware.GetStreamingResponseAsync("some input"));
        Assert.Equal(42, streamed.SelectMany(u => u.Contents).OfType<CustomAIContent2>().Single().Number);

        Assert.Equal(3, origin.Calls);
        Assert.Equal(2, LogOf("StoredResponseUnreadable").Count);
    }

    [Fact]
    public async Task RequestWithUnknownContent_ReachesTheOriginUncached()
    {
        var origin = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "seen"))) };
        using var chat = Build(origin);
        ChatMessage[] request = [new(ChatRole.User, [new TextContent("what is this?"), new CustomAIContent2("attachment", 7)])];

        Assert.Equal("seen", (await chat.GetResponseAsync(request)).Text);
        Assert.Equal("seen", (await chat.GetResponseAsync(request)).Text);

        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task BuilderExtension_TakesTheSerializerAndChunkingSettings()
    {
        var updates = HelloThenCustomContent();
        var origin = new TestChatClient { OnGetStreamingResponse = (_, _, _) => Yield(Task.CompletedTask, updates) };
        using var chat = new ChatClientBuilder(origin)
            .UseOrleansLlmCache(
                o =>
                {
                    o.Namespace = _namespace;
                    o.JsonSerializerOptions = KnowingCustomContent();
                    o.CoalesceStreamingUpdates = false;
                },
                fixture.Cache)
            .Build();

        await ToListAsync(chat.GetStreamingResponseAsync("some input"));

        Assert.Equal(2, (await ToListAsync(chat.GetStreamingResponseAsync("some input"))).Count);
        Assert.Equal(1, origin.Calls);
    }

    private OrleansLlmCacheChatClient Build(IChatClient origin, Action<OrleansLlmCacheChatClientOptions>? configure = null)
    {
        var options = new OrleansLlmCacheChatClientOptions { Namespace = _namespace };
        configure?.Invoke(options);
        return new OrleansLlmCacheChatClient(origin, fixture.Cache, options, _log);
    }

    private List<FakeLogRecord> LogOf(string eventName) => [.. _log.Collector.GetSnapshot().Where(r => r.Id.Name == eventName)];

    private void AssertLoggedUnserializable()
    {
        var records = LogOf("ResponseNotStored");
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Contains(nameof(OrleansLlmCacheChatClientOptions.JsonSerializerOptions), r.Message, StringComparison.Ordinal));
    }

    private static void AssertResponsesEqual(ChatResponse expected, ChatResponse actual)
    {
        Assert.Equal(expected.ResponseId, actual.ResponseId);
        Assert.Equal(expected.Usage?.InputTokenCount, actual.Usage?.InputTokenCount);
        Assert.Equal(expected.Usage?.OutputTokenCount, actual.Usage?.OutputTokenCount);
        Assert.Equal(expected.Usage?.TotalTokenCount, actual.Usage?.TotalTokenCount);
        Assert.Equal(expected.Usage?.AdditionalCounts, actual.Usage?.AdditionalCounts);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.ModelId, actual.ModelId);
        Assert.Equal(Json(WithoutCacheProperties(expected.AdditionalProperties)), Json(WithoutCacheProperties(actual.AdditionalProperties)));

        var expectedMessage = expected.Messages.Last();
        var actualMessage = actual.Messages.Last();
        Assert.Equal(expectedMessage.Role, actualMessage.Role);
        Assert.Equal(expectedMessage.Text, actualMessage.Text);
        Assert.Equal(Json(expectedMessage.AdditionalProperties), Json(actualMessage.AdditionalProperties));
        AssertContentsEqual(expectedMessage.Contents, actualMessage.Contents);
    }

    private static void AssertUpdatesEqual(IReadOnlyList<ChatResponseUpdate> expected, IReadOnlyList<ChatResponseUpdate> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (expectedItem, actualItem) in expected.Zip(actual))
        {
            Assert.Equal(expectedItem.Text, actualItem.Text);
            Assert.Equal(expectedItem.Role, actualItem.Role);
            AssertContentsEqual(expectedItem.Contents, actualItem.Contents);
        }
    }

    private static void AssertContentsEqual(IList<AIContent> expected, IList<AIContent> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (expectedItem, actualItem) in expected.Zip(actual))
        {
            Assert.IsType(expectedItem.GetType(), actualItem);
            switch (expectedItem)
            {
                case FunctionCallContent call:
                    var actualCall = (FunctionCallContent)actualItem;
                    Assert.Equal(call.Name, actualCall.Name);
                    Assert.Equal(call.CallId, actualCall.CallId);
                    Assert.Equal(Json(call.Arguments), Json(actualCall.Arguments));
                    break;
                case UsageContent usage:
                    var actualUsage = (UsageContent)actualItem;
                    Assert.Equal(usage.Details.InputTokenCount, actualUsage.Details.InputTokenCount);
                    Assert.Equal(usage.Details.OutputTokenCount, actualUsage.Details.OutputTokenCount);
                    Assert.Equal(usage.Details.TotalTokenCount, actualUsage.Details.TotalTokenCount);
                    break;
            }
        }
    }

    // The middleware adds llmcache.* properties to what it returns; the rest must round-trip.
    private static SortedDictionary<string, object?>? WithoutCacheProperties(AdditionalPropertiesDictionary? properties) =>
        properties is null ? null : new(properties.Where(p => !p.Key.StartsWith("llmcache.", StringComparison.Ordinal)).ToDictionary(), StringComparer.Ordinal);

    private static ChatResponseUpdate[] HelloThenCustomContent() =>
    [
        new(ChatRole.Assistant, "Hello"),
        new() { Role = ChatRole.Assistant, Contents = [new CustomAIContent2("Goodbye", 42)] },
    ];

    private static JsonSerializerOptions KnowingCustomContent()
    {
        var json = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions);
        json.AddAIContentType<CustomAIContent1>("custom1");
        json.AddAIContentType<CustomAIContent2>("custom2");
        return json;
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions);

    private static IAsyncEnumerable<T> Yield<T>(Task before, params T[] values) => Yield(before, values.Select<T, Func<T>>(v => () => v).ToArray());

    private static async IAsyncEnumerable<T> Yield<T>(Task before, params Func<T>[] values)
    {
        await before;
        foreach (var value in values)
        {
            await Task.Yield();
            yield return value();
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> values)
    {
        var list = new List<T>();
        await foreach (var value in values)
        {
            list.Add(value);
        }

        return list;
    }

    /// <summary>What a provider SDK hangs on its answers: fingerprints, refusals, log-probabilities.</summary>
    public sealed record ProviderPayload(string SystemFingerprint, string? Refusal, double[] LogProbabilities);

    public sealed class CustomAIContent1(string text, DateTime date) : AIContent
    {
        public string Text => text;

        public DateTime Date => date;
    }

    public sealed class CustomAIContent2(string text, int number) : AIContent
    {
        public string Text => text;

        public int Number => number;
    }
}
