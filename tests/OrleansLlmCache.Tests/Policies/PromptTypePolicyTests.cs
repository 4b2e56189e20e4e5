using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Client.Conversations;
using OrleansLlmCache.Client.Policies;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Policies;

/// <summary>The article's three prompt types: their keys, their default policies, conversation states, and warming.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PromptTypePolicyTests(ClusterFixture fixture)
{
    private static readonly CachedResponse Answer = new("answer", "gpt-4", 10, 20);

    [Fact]
    public async Task NamespacePolicies_GiveTheSeedDefaults_AndARequestOverridesThem()
    {
        var tenant = "p" + Guid.NewGuid().ToString("N")[..8];
        var now = fixture.Time.GetUtcNow();
        var content = await fixture.Cache.SetAsync(PromptTypes.ContentKey(tenant, "feature flags", "blog intro", "short"), Answer);
        var code = await fixture.Cache.SetAsync(PromptTypes.CodeAnalysisKey(tenant, "print(1)", "security", "python"), Answer);
        var overridden = await fixture.Cache.SetAsync(PromptTypes.CodeAnalysisKey(tenant, "print(2)", "security", "python"), Answer, LlmCacheEntryOptions.Expiring(TimeSpan.FromMinutes(5)));
        var other = await fixture.Cache.SetAsync(new(tenant, "misc", "x"), Answer);

        Assert.Equal(now + TimeSpan.FromHours(24), content.ExpiresAt);
        Assert.Null(code.ExpiresAt);
        Assert.Equal(now + TimeSpan.FromMinutes(5), overridden.ExpiresAt);
        Assert.Equal(now + TimeSpan.FromHours(24), other.ExpiresAt); // the cache-wide default
    }

    [Fact]
    public void ConfiguredPolicy_WinsOverTheDefault_ByLongestPrefix()
    {
        var options = new LlmCacheOptions
        {
            Policies = new()
            {
                ["code_analysis"] = new NamespacePolicy { TimeToLive = TimeSpan.FromDays(7) },
                ["code_analysis:python"] = new NamespacePolicy { NoExpiry = true, Tags = ["py"] },
            },
        };
        Assert.Equal(TimeSpan.FromDays(7), NamespacePolicies.Resolve(options, "code_analysis:go")!.TimeToLive);
        Assert.True(NamespacePolicies.Resolve(options, "code_analysis:python")!.NoExpiry);
        Assert.Equal(TimeSpan.FromHours(1), NamespacePolicies.Resolve(options, "conversation")!.TimeToLive);
        Assert.Null(NamespacePolicies.Resolve(options, "contentious")); // a prefix of a word is not a namespace prefix
    }

    [Fact]
    public void PromptTypeKeys_DependOnExactlyWhatChangesTheAnswer()
    {
        Assert.Equal(PromptTypes.ContentKey("t", "SOC 2", "blog", "short"), PromptTypes.ContentKey("t", " SOC 2 ", "blog", "short"));
        Assert.NotEqual(PromptTypes.ContentKey("t", "SOC 2", "blog", "short"), PromptTypes.ContentKey("t", "SOC 2", "blog", "long"));
        Assert.NotEqual(PromptTypes.CodeAnalysisKey("t", "a = 1", "security", "python"), PromptTypes.CodeAnalysisKey("t", "a = 2", "security", "python"));
        Assert.NotEqual(PromptTypes.CodeAnalysisKey("t", "a = 1", "security", "python"), PromptTypes.CodeAnalysisKey("t", "a = 1", "performance", "python"));
        Assert.Equal("code_analysis:python", PromptTypes.CodeAnalysisKey("t", "a = 1", "security", "python").Namespace);
        Assert.Equal("c42.state.7", PromptTypes.ConversationStateKey("t", "c42", 7).Id);
    }

    [Fact]
    public async Task ConversationStates_AreCachedByMessageCount_AndExpireAfterAnHour()
    {
        var states = fixture.Cluster.Client.ServiceProvider.GetRequiredService<IConversationStateCache>();
        var conversation = "conv" + Guid.NewGuid().ToString("N")[..8];
        await states.CacheStateAsync(conversation, 4, "user asked about refunds; agent explained the 30-day policy");

        Assert.Equal("user asked about refunds; agent explained the 30-day policy", await states.GetStateAsync(conversation, 4));
        Assert.Null(await states.GetStateAsync(conversation, 6));
        fixture.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(await states.GetStateAsync(conversation, 4));
    }

    [Fact]
    public async Task Warming_SkipsWhatIsCached_AndCollectsFailuresWithoutStopping()
    {
        var origin = new TestChatClient();
        var answer = origin.OnGetResponse;
        origin.OnGetResponse = (m, o, ct) => m.Last().Text == "explode" ? throw new HttpRequestException("origin 500") : answer(m, o, ct);
        var ns = "warm" + Guid.NewGuid().ToString("N")[..8];
        ChatWarmRequest Request(string text) => new(ns, [new ChatMessage(ChatRole.User, text)], new ChatOptions { ModelId = "gpt-4" });
        var requests = new[] { Request("a"), Request("b"), Request("explode"), Request("c"), Request("a") };
        var warmer = new ChatCacheWarmer(fixture.Cache, origin, "tests");
        var done = 0;

        var first = await warmer.WarmAsync(requests, concurrency: 1, () => done++);
        var second = await warmer.WarmAsync(requests, concurrency: 3);

        Assert.Equal(5, done);
        Assert.Equal(3, first.Warmed);
        Assert.Equal(1, first.AlreadyCached); // the repeated "a"
        Assert.Equal(2, Assert.Single(first.Failures).Index);
        Assert.Contains("origin 500", first.Failures[0].Error, StringComparison.Ordinal);
        Assert.Equal(4, second.AlreadyCached);
        Assert.Single(second.Failures);
    }
}
