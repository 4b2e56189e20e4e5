using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Semantic;

/// <summary>
/// A namespace's policy decides semantic matching over the namespace patterns (on where no pattern names it, off where
/// one does) and may set its own threshold; a request's own switch still wins.
/// </summary>
[Collection(SemanticClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SemanticPolicyTests(SemanticClusterFixture fixture)
{
    private const string Asked = "How do I reset my password?";
    private const string Paraphrase = "How can I reset my password?";

    [Fact]
    public async Task APolicyThatTurnsItOn_GivesSemanticHits_WhereNoPatternNamesTheNamespace()
    {
        var (origin, chat) = Build(SemanticClusterFixture.PolicyOn);
        await chat.GetResponseAsync(Conversation(Asked), Gpt4);

        var answer = await chat.GetResponseAsync(Conversation(Paraphrase), Gpt4);

        Assert.Equal(nameof(LlmCacheSource.SemanticHit), answer.AdditionalProperties![OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public async Task APolicyThatTurnsItOff_WinsOverThePattern_AndARequestStillWinsOverThePolicy()
    {
        var (origin, chat) = Build(SemanticClusterFixture.PolicyOff);
        await chat.GetResponseAsync(Conversation(Asked), Gpt4.WithSemanticLlmCache()); // indexed: it went through the semantic path

        var off = await chat.GetResponseAsync(Conversation(Paraphrase), Gpt4);
        var asked = await chat.GetResponseAsync(Conversation("How could I reset my password?"), Gpt4.WithSemanticLlmCache());

        Assert.Equal(nameof(LlmCacheSource.Origin), off.AdditionalProperties![OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(nameof(LlmCacheSource.SemanticHit), asked.AdditionalProperties![OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task APolicysOwnThreshold_RefusesAParaphraseTheDefaultThresholdTakes()
    {
        var (strictOrigin, strict) = Build(SemanticClusterFixture.PolicyStrict);
        var (defaultOrigin, lenient) = Build("semantic:threshold-default");
        await strict.GetResponseAsync(Conversation(Asked), Gpt4);
        await lenient.GetResponseAsync(Conversation(Asked), Gpt4);

        var strictAnswer = await strict.GetResponseAsync(Conversation(Paraphrase), Gpt4);
        var lenientAnswer = await lenient.GetResponseAsync(Conversation(Paraphrase), Gpt4);

        Assert.Equal(nameof(LlmCacheSource.Origin), strictAnswer.AdditionalProperties![OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(nameof(LlmCacheSource.SemanticHit), lenientAnswer.AdditionalProperties![OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal((2, 1), (strictOrigin.Calls, defaultOrigin.Calls));
    }

    private static ChatOptions Gpt4 => new() { ModelId = "gpt-4" };

    private static List<ChatMessage> Conversation(string question) =>
        [new ChatMessage(ChatRole.System, "You are a helpful support agent."), new ChatMessage(ChatRole.User, question)];

    // Each test its own namespace under the policy's prefix, so that entries of other tests are never candidates.
    private (TestChatClient Origin, IChatClient Chat) Build(string policyPrefix)
    {
        var origin = new TestChatClient();
        var @namespace = $"{policyPrefix}:{Guid.NewGuid():N}"[..Math.Min(64, policyPrefix.Length + 13)];
        return (origin, new ChatClientBuilder(origin).UseOrleansLlmCache(o => { o.Tenant = "tests"; o.Namespace = @namespace; }, fixture.Cache).Build());
    }
}
