using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Tests.Infrastructure;
using OrleansLlmCache.Tests.Invalidation;

namespace OrleansLlmCache.Tests.RefreshAhead;

/// <summary>
/// The chat middleware with eager refresh in its own entry options (a real silo: entries live 10 s, due after 1 s): its
/// non-streaming hits refresh ahead; its streaming hits never do, because the streaming factory passes the origin's
/// updates to its own caller as they come and must not run without it.
/// </summary>
[Collection(TwoAppServersCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ChatMiddlewareRefreshAheadTests(TwoAppServersFixture fixture)
{
    [Fact]
    public async Task NonStreamingHits_RefreshAhead_StreamingHitsNever()
    {
        var origin = new TestChatClient();
        origin.OnGetResponse = (_, options, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"answer {origin.Calls}"))
        {
            ModelId = options?.ModelId ?? "test-model",
            FinishReason = ChatFinishReason.Stop,
        });
        var refreshAhead = new OrleansLlmCacheChatClientOptions { EntryOptions = new() { TimeToLive = TimeSpan.FromSeconds(10), EagerRefreshThreshold = 0.1 } };
        using var chat = new OrleansLlmCacheChatClient(origin, fixture.A.Cache, refreshAhead);
        List<ChatMessage> question = [new(ChatRole.User, "Which river runs through Paris? " + Guid.NewGuid().ToString("N"))];

        Assert.Equal("answer 1", await StreamedTextAsync(chat, question));
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // past a tenth of its life

        Assert.Equal("answer 1", await StreamedTextAsync(chat, question));
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // a refresh, had one started, would have called this origin by now
        Assert.Equal(1, origin.Calls);

        Assert.Equal("answer 1", (await chat.GetResponseAsync(question)).Text);
        await Eventually.WaitUntilAsync(() => origin.Calls == 2, Answers.Patience, () => "the non-streaming hit did not refresh the entry");
        await Eventually.WaitUntilAsync(async () => (await chat.GetResponseAsync(question)).Text == "answer 2", Answers.Patience, () => "the refreshed answer was not served");
        Assert.Equal(2, origin.Calls);
    }

    private static async Task<string> StreamedTextAsync(IChatClient chat, List<ChatMessage> question)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(question))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse().Text;
    }
}
