using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Microsoft.Extensions.AI;
using OpenAI;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Tests.Infrastructure;
using SdkChat = OpenAI.Chat;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// A .NET app server using the IChatClient middleware (over Microsoft.Extensions.AI.OpenAI) and a service calling the
/// gateway over HTTP ask the same question: they share one entry, whichever of them asked first.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewaySharesEntriesWithMiddlewareTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Model = "gpt-4o-mini";
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task MiddlewareStores_GatewayHits()
    {
        var question = $"Shared question ({Guid.NewGuid():N})";
        var options = new ChatOptions { Temperature = 0.2f, MaxOutputTokens = 100, TopP = 0.9f, StopSequences = ["END"] };

        var fromMiddleware = await Middleware().GetResponseAsync([new ChatMessage(ChatRole.User, question)], options);
        var fromGateway = await Sdk().CompleteChatAsync(
            [new SdkChat.UserChatMessage(question)],
            new SdkChat.ChatCompletionOptions { Temperature = 0.2f, MaxOutputTokenCount = 100, TopP = 0.9f, StopSequences = { "END" } });

        Assert.Equal(1, _gateway.Upstream.Calls);
        Assert.Equal("hit", fromGateway.GetRawResponse().Headers.TryGetValue("x-llmcache-status", out var status) ? status : null);
        Assert.Equal(fromMiddleware.Text, fromGateway.Value.Content[0].Text);
        Assert.Equal(46, fromGateway.Value.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task GatewayStores_MiddlewareHits_StreamingAndNot()
    {
        var question = $"Shared the other way ({Guid.NewGuid():N})";
        var fromGateway = await Sdk().CompleteChatAsync(
            [new SdkChat.SystemChatMessage("Answer briefly."), new SdkChat.UserChatMessage(question)],
            new SdkChat.ChatCompletionOptions { Temperature = 0f });

        ChatMessage[] messages = [new(ChatRole.System, "Answer briefly."), new(ChatRole.User, question)];
        var options = new ChatOptions { Temperature = 0f };
        var fromMiddleware = await Middleware().GetResponseAsync(messages, options);
        var streamed = new StringBuilder();
        await foreach (var update in Middleware().GetStreamingResponseAsync(messages, options))
        {
            streamed.Append(update.Text);
        }

        Assert.Equal(1, _gateway.Upstream.Calls);
        Assert.Equal("Hit", fromMiddleware.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty]);
        Assert.Equal(fromGateway.Value.Content[0].Text, fromMiddleware.Text);
        Assert.Equal(46, fromMiddleware.Usage?.TotalTokenCount);
        Assert.Equal(fromGateway.Value.Content[0].Text, streamed.ToString());
    }

    [Fact]
    public async Task GatewayStreamStored_IsReadByTheMiddleware()
    {
        var question = $"Streamed then shared ({Guid.NewGuid():N})";
        var live = new StringBuilder();
        await foreach (var update in Sdk().CompleteChatStreamingAsync([new SdkChat.UserChatMessage(question)]))
        {
            live.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        var fromMiddleware = await Middleware().GetResponseAsync([new ChatMessage(ChatRole.User, question)]);

        // The SDK is done at [DONE], a moment before the gateway has stored the stream: the middleware's request may
        // find the entry stored (Hit) or wait on the gateway's lease for it (Coalesced). Either way the cache answers.
        Assert.Equal(1, _gateway.Upstream.Calls);
        Assert.Contains((string?)fromMiddleware.AdditionalProperties?[OrleansLlmCacheChatClient.SourceProperty], new[] { "Hit", "Coalesced" });
        Assert.Equal(live.ToString(), fromMiddleware.Text);
    }

    // The app server's pipeline: the cache middleware over Microsoft.Extensions.AI.OpenAI, straight to the same upstream.
    private OrleansLlmCacheChatClient Middleware() => new(
        new SdkChat.ChatClient(Model, new ApiKeyCredential("sk-app-server"), new OpenAIClientOptions { Endpoint = new Uri(_gateway.Upstream.BaseUrl) }).AsIChatClient(),
        fixture.Cache,
        new OrleansLlmCacheChatClientOptions { Tenant = GatewayHost.TenantA });

    private SdkChat.ChatClient Sdk() => new(Model, new ApiKeyCredential(GatewayHost.KeyA), new OpenAIClientOptions
    {
        Endpoint = new Uri(_gateway.BaseUrl),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });
}
