using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Semantic;

[Collection(SemanticClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SemanticChatTests(SemanticClusterFixture fixture)
{
    private readonly string _namespace = "semantic:chat" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task ParaphrasedLastMessage_IsServedWithSemanticProperties()
    {
        var origin = new TestChatClient();
        using var chat = Build(origin);

        await chat.GetResponseAsync(Conversation("How do I reset my password?"), new ChatOptions { ModelId = "gpt-4" });
        var answer = await chat.GetResponseAsync(Conversation("How can I reset my password?"), new ChatOptions { ModelId = "gpt-4" });

        Assert.Equal(1, origin.Calls);
        Assert.Equal("answer to How do I reset my password?", answer.Text);
        var properties = answer.AdditionalProperties!;
        Assert.Equal(nameof(LlmCacheSource.SemanticHit), properties[OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal("How do I reset my password?", properties[OrleansLlmCacheChatClient.SemanticPromptProperty]);
        Assert.InRange((double)properties[OrleansLlmCacheChatClient.SemanticScoreProperty]!, 0.85, 1.0);
        Assert.StartsWith($"tests/{_namespace}/", (string)properties[OrleansLlmCacheChatClient.SemanticKeyProperty]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamingParaphrase_IsAnsweredByTheSemanticMatch_ReplayedAsUpdates()
    {
        var origin = new TestChatClient();
        using var chat = Build(origin);
        await chat.GetResponseAsync(Conversation("How do I cancel my subscription?"), new ChatOptions { ModelId = "gpt-4" });

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(Conversation("How can I cancel my subscription?"), new ChatOptions { ModelId = "gpt-4" }))
        {
            updates.Add(update);
        }

        Assert.Equal(1, origin.Calls);
        Assert.Equal("answer to How do I cancel my subscription?", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(nameof(LlmCacheSource.SemanticHit), updates[0].AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
    }

    [Fact]
    public async Task OtherSystemMessageOrEarlierTurnOrOptions_NeverMatch()
    {
        var origin = new TestChatClient();
        using var chat = Build(origin);
        await chat.GetResponseAsync(Conversation("How do I reset my password?"), new ChatOptions { ModelId = "gpt-4" });

        await chat.GetResponseAsync(Conversation("How can I reset my password?", system: "You are a pirate."), new ChatOptions { ModelId = "gpt-4" });
        await chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "You are a helpful support agent."), new ChatMessage(ChatRole.User, "Hi"), new ChatMessage(ChatRole.User, "How can I reset my password?")],
            new ChatOptions { ModelId = "gpt-4" });
        await chat.GetResponseAsync(Conversation("How can I reset my password?"), new ChatOptions { ModelId = "gpt-4", Temperature = 0.9f });
        await chat.GetResponseAsync(Conversation("How can I reset my password?"), new ChatOptions { ModelId = "gpt-4o" });

        Assert.Equal(5, origin.Calls);
    }

    [Fact]
    public async Task PerRequestSwitch_TurnsSemanticMatchingOff_WithoutChangingTheKey()
    {
        var origin = new TestChatClient();
        using var chat = Build(origin);
        await chat.GetResponseAsync(Conversation("How do I reset my password?"), new ChatOptions { ModelId = "gpt-4" });

        var off = await chat.GetResponseAsync(Conversation("How can I reset my password?"), new ChatOptions { ModelId = "gpt-4" }.WithSemanticLlmCache(false));
        var exact = await chat.GetResponseAsync(Conversation("How do I reset my password?"), new ChatOptions { ModelId = "gpt-4" }.WithSemanticLlmCache(false));

        Assert.Equal(nameof(LlmCacheSource.Origin), off.AdditionalProperties![OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(nameof(LlmCacheSource.Hit), exact.AdditionalProperties![OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(2, origin.Calls);
    }

    private static List<ChatMessage> Conversation(string question, string system = "You are a helpful support agent.") =>
        [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, question)];

    private IChatClient Build(IChatClient origin) =>
        new ChatClientBuilder(origin).UseOrleansLlmCache(o => { o.Tenant = "tests"; o.Namespace = _namespace; }, fixture.Cache).Build();
}
