using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Client;

/// <summary>
/// The chat middleware with fail-safe on for the app server: an expired answer stands in for a failing origin, and says
/// so in <c>llmcache.source</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ChatMiddlewareFailSafeTests
{
    [Fact]
    public async Task FailingOrigin_IsAnsweredWithTheExpiredAnswer_MarkedStale()
    {
        await using var silo = await TcpSilo.StartAsync("failsafe-" + Guid.NewGuid().ToString("N")[..8]);
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId, configure: o =>
        {
            o.DefaultTimeToLive = TimeSpan.FromSeconds(1);
            o.FailSafeMaxDuration = TimeSpan.FromHours(1);
        });
        var origin = new TestChatClient();
        using var chat = new OrleansLlmCacheChatClient(origin, client.Cache);
        List<ChatMessage> question = [new(ChatRole.User, "What is the capital of France?")];

        var first = await chat.GetResponseAsync(question);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past the 1 s time to live
        origin.OnGetResponse = (_, _, _) => throw new HttpRequestException("429 Too Many Requests");
        var stale = await chat.GetResponseAsync(question);

        Assert.Equal(first.Text, stale.Text);
        Assert.Equal("Stale", stale.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(2, origin.Calls);

        // Within the throttle the origin is not asked again.
        Assert.Equal("Stale", (await chat.GetResponseAsync(question)).AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(2, origin.Calls);
    }

    [Fact]
    public async Task TheMiddlewaresOwnEntryOptions_CanTurnFailSafeOn()
    {
        await using var silo = await TcpSilo.StartAsync("failsafe-" + Guid.NewGuid().ToString("N")[..8]);
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId);
        var origin = new TestChatClient();
        var options = new OrleansLlmCacheChatClientOptions
        {
            EntryOptions = new() { TimeToLive = TimeSpan.FromSeconds(1), FailSafeMaxDuration = TimeSpan.FromHours(1) },
        };
        using var chat = new OrleansLlmCacheChatClient(origin, client.Cache, options);
        List<ChatMessage> question = [new(ChatRole.User, "What is the capital of Italy?")];

        var first = await chat.GetResponseAsync(question);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        origin.OnGetResponse = (_, _, _) => throw new HttpRequestException("503 Service Unavailable");
        var stale = await chat.GetResponseAsync(question);

        Assert.Equal(first.Text, stale.Text);
        Assert.Equal("Stale", stale.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
    }
}
