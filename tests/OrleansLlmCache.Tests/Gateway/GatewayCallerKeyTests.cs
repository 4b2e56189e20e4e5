using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OrleansLlmCache.Gateway.Options;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// A caller's own provider key passed through (<c>PassCallerKey</c>), driven by the official OpenAI .NET SDK as a
/// customer would: the provider key as the SDK's API key, the gateway key in <c>x-llmcache-api-key</c>. The
/// <c>claude-*</c> upstream passes callers' keys; the default upstream does not.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayCallerKeyTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string ClaudeModel = "claude-sonnet-4";
    private const string ConfiguredClaudeKey = "sk-claude-configured";
    private const string CallerProviderKey = "sk-ant-callers-own";

    private StubUpstream _claude = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _claude = await StubUpstream.StartAsync("claude", ClaudeModel);
        _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains, o => o.Upstreams.Add(new GatewayModelUpstreamOptions
        {
            Models = ["claude-*"],
            BaseUrl = _claude.BaseUrl,
            ApiKey = ConfiguredClaudeKey,
            PassCallerKey = true,
        }));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _claude.DisposeAsync();
    }

    [Fact]
    public async Task WithPassCallerKey_TheUpstreamGetsTheCallersKey_AndWithoutIt_TheConfiguredKey()
    {
        var question = GatewayHost.Unique("Whose key?");

        var claude = await Chat(ClaudeModel, CallerProviderKey, GatewayHost.KeyA).CompleteChatAsync([new UserChatMessage(question)]);
        Assert.Equal("Bearer " + CallerProviderKey, _claude.LastAuthorization);
        await foreach (var _ in Chat(ClaudeModel, CallerProviderKey, GatewayHost.KeyA).CompleteChatStreamingAsync([new UserChatMessage(GatewayHost.Unique("Stream"))]))
        {
        }

        Assert.Equal("Bearer " + CallerProviderKey, _claude.LastAuthorization);
        var embedding = await new EmbeddingClient("claude-embed", new ApiKeyCredential(CallerProviderKey), Options(GatewayHost.KeyA)).GenerateEmbeddingAsync(question);
        Assert.Equal("Bearer " + CallerProviderKey, _claude.LastAuthorization);
        Assert.Equal(3, _claude.Calls);

        var openai = await Chat("gpt-4o-mini", "sk-openai-callers-own", GatewayHost.KeyA).CompleteChatAsync([new UserChatMessage(question)]);
        Assert.Equal("Bearer " + GatewayHost.UpstreamKey, _gateway.Upstream.LastAuthorization);

        Assert.StartsWith(GatewayHost.TenantA + "/", GatewayHost.Header(claude, "x-llmcache-key"));
        Assert.StartsWith(GatewayHost.TenantA + "/", GatewayHost.Header(embedding, "x-llmcache-key"));
        Assert.StartsWith(GatewayHost.TenantA + "/", GatewayHost.Header(openai, "x-llmcache-key"));
    }

    [Fact]
    public async Task GatewayKeyInAuthorization_IsNeverPassedOn_TheConfiguredKeyIs()
    {
        using var http = _gateway.CreateHttpClient(GatewayHost.KeyA);
        using var models = await http.GetAsync($"models/{ClaudeModel}");
        var chat = await Chat(ClaudeModel, GatewayHost.KeyA, gatewayKey: null).CompleteChatAsync([new UserChatMessage(GatewayHost.Unique("Plain caller"))]);

        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal("miss", GatewayHost.Header(chat, "x-llmcache-status"));
        Assert.Equal("Bearer " + ConfiguredClaudeKey, _claude.LastAuthorization);
        Assert.Equal(2, _claude.Calls);
    }

    [Fact]
    public async Task GatewayKeyHeader_WithoutAuthorization_SendsTheConfiguredKey()
    {
        using var http = _gateway.CreateHttpClient(key: null);
        http.DefaultRequestHeaders.Add("x-llmcache-api-key", GatewayHost.KeyB);

        using var model = await http.GetAsync($"models/{ClaudeModel}");

        Assert.Equal(HttpStatusCode.OK, model.StatusCode);
        Assert.Equal("Bearer " + ConfiguredClaudeKey, _claude.LastAuthorization);
    }

    [Fact]
    public async Task WrongGatewayKeyHeader_Gets401_EvenWithAGatewayKeyInAuthorization()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            Chat(ClaudeModel, GatewayHost.KeyA, gatewayKey: "sk-not-a-gateway-key").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, error.Status);
        var body = JsonNode.Parse(error.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Contains("x-llmcache-api-key", (string?)body["message"]);
        Assert.Equal("invalid_api_key", (string?)body["code"]);

        using var http = _gateway.CreateHttpClient(GatewayHost.KeyA);
        http.DefaultRequestHeaders.Add("x-llmcache-api-key", "");
        using var empty = await http.GetAsync("models");
        Assert.Equal(HttpStatusCode.Unauthorized, empty.StatusCode);
        Assert.Contains("empty", await empty.Content.ReadAsStringAsync());
        Assert.Equal(0, _claude.Calls);
        Assert.Equal(0, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task AHit_IsTheTenantsOwn_AndIsServedWithoutAskingTheProvider()
    {
        var question = GatewayHost.Unique("Shared question");

        var first = await Chat(ClaudeModel, "sk-ant-first", GatewayHost.KeyA).CompleteChatAsync([new UserChatMessage(question)]);
        var otherProviderKey = await Chat(ClaudeModel, "sk-ant-second", GatewayHost.KeyA).CompleteChatAsync([new UserChatMessage(question)]);
        var otherTenant = await Chat(ClaudeModel, "sk-ant-first", GatewayHost.KeyB).CompleteChatAsync([new UserChatMessage(question)]);

        Assert.Equal("miss", GatewayHost.Header(first, "x-llmcache-status"));
        Assert.Equal("hit", GatewayHost.Header(otherProviderKey, "x-llmcache-status"));
        Assert.Equal("miss", GatewayHost.Header(otherTenant, "x-llmcache-status"));
        Assert.StartsWith(GatewayHost.TenantB + "/", GatewayHost.Header(otherTenant, "x-llmcache-key"));
        Assert.Equal(2, _claude.Calls);
    }

    [Fact]
    public async Task DevelopmentMode_PassesTheCallersKey_WhenTheGatewayKeyHeaderIsSent()
    {
        await using var development = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains, o =>
        {
            o.ApiKeys.Clear();
            o.Upstream.PassCallerKey = true;
        });
        using var http = development.CreateHttpClient(key: null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-developers-own");

        using var withoutHeader = await http.GetAsync("models");
        Assert.Equal("Bearer " + GatewayHost.UpstreamKey, development.Upstream.LastAuthorization);
        http.DefaultRequestHeaders.Add("x-llmcache-api-key", "any");
        using var withHeader = await http.GetAsync("models");

        Assert.Equal(HttpStatusCode.OK, withoutHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withHeader.StatusCode);
        Assert.Equal("Bearer sk-developers-own", development.Upstream.LastAuthorization);
    }

    /// <summary>The SDK as the docs show it: the provider key as its API key, the gateway key in a default header.</summary>
    private ChatClient Chat(string model, string providerKey, string? gatewayKey) => new(model, new ApiKeyCredential(providerKey), Options(gatewayKey));

    private OpenAIClientOptions Options(string? gatewayKey)
    {
        var options = _gateway.SdkOptions();
        if (gatewayKey is not null)
        {
            options.AddPolicy(new GatewayKeyPolicy(gatewayKey), PipelinePosition.PerCall);
        }

        return options;
    }

    /// <summary>Adds <c>x-llmcache-api-key</c> to every request, as <c>default_headers</c> does in the Python SDK.</summary>
    private sealed class GatewayKeyPolicy(string key) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("x-llmcache-api-key", key);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("x-llmcache-api-key", key);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
