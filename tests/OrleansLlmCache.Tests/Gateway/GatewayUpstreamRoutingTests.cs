using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;
using OrleansLlmCache.Gateway.Options;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// Several upstreams chosen by the request's model (<c>LlmCache:Gateway:Upstreams</c>), driven by the official OpenAI
/// .NET SDK: <c>claude-*</c> to one stub, exactly <c>llama3.1</c> to another, every other model to the default one.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayUpstreamRoutingTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string ClaudeKey = "sk-claude-configured";
    private const string LlamaKey = "sk-llama-configured";

    private StubUpstream _claude = null!;
    private StubUpstream _llama = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _claude = await StubUpstream.StartAsync("claude", "claude-3-5-haiku", "claude-sonnet-4");
        _llama = await StubUpstream.StartAsync("llama", "llama3.1", "gpt-4o-mini");
        _gateway = await StartGatewayAsync(o => { });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _claude.DisposeAsync();
        await _llama.DisposeAsync();
    }

    [Fact]
    public async Task ChatAndEmbeddings_GoToTheUpstreamTheirModelNames_EveryOtherModelToTheDefault()
    {
        var question = GatewayHost.Unique("Which upstream?");

        var claude = await Chat("claude-3-5-haiku").CompleteChatAsync([new UserChatMessage(question)]);
        var again = await Chat("claude-3-5-haiku").CompleteChatAsync([new UserChatMessage(question)]);
        var llama = await Embeddings("llama3.1").GenerateEmbeddingAsync(question);
        var notExactlyLlama = await Chat("llama3.1-instruct").CompleteChatAsync([new UserChatMessage(question)]);
        var openai = await Embeddings("text-embedding-3-small").GenerateEmbeddingAsync(question);

        Assert.Equal($"answer 1: {question}", claude.Value.Content[0].Text);
        Assert.Equal("hit", GatewayHost.Header(again, "x-llmcache-status"));
        Assert.Equal(1, _claude.Calls);
        Assert.Equal("Bearer " + ClaudeKey, _claude.LastAuthorization);
        Assert.Equal("miss", GatewayHost.Header(llama, "x-llmcache-status"));
        Assert.Equal(1, _llama.Calls);
        Assert.Equal("Bearer " + LlamaKey, _llama.LastAuthorization);
        Assert.Equal($"answer 1: {question}", notExactlyLlama.Value.Content[0].Text);
        Assert.Equal("miss", GatewayHost.Header(openai, "x-llmcache-status"));
        Assert.Equal(2, _gateway.Upstream.Calls);
        Assert.Equal("Bearer " + GatewayHost.UpstreamKey, _gateway.Upstream.LastAuthorization);
    }

    [Fact]
    public async Task ModelList_IsEveryUpstreamsModels_InRoutingOrder_AndOneModelComesFromItsUpstream()
    {
        var models = new OpenAIModelClient(new ApiKeyCredential(GatewayHost.KeyA), _gateway.SdkOptions());

        var list = await models.GetModelsAsync();
        var claude = await models.GetModelAsync("claude-sonnet-4");
        var other = await models.GetModelAsync("gpt-4o");

        // gpt-4o-mini is listed by the llama stub and the default one: kept once, from the entry that comes first.
        Assert.Equal(
            ["claude-3-5-haiku:claude", "claude-sonnet-4:claude", "llama3.1:llama", "gpt-4o-mini:llama", "text-embedding-3-small:stub"],
            list.Value.Select(m => $"{m.Id}:{m.OwnedBy}").ToArray());
        Assert.False(list.GetRawResponse().Headers.TryGetValue("x-llmcache-upstream-failures", out _));
        Assert.Equal("claude", claude.Value.OwnedBy);
        Assert.Equal("stub", other.Value.OwnedBy);
        Assert.Equal(2, _claude.Calls);
        Assert.Equal("Bearer " + ClaudeKey, _claude.LastAuthorization);
    }

    [Fact]
    public async Task ModelList_LeavesOutAFailingUpstream_AndNamesIt_AndIs502WhenNoneAnswers()
    {
        var unreachable = $"http://127.0.0.1:{FreePorts.Next()}/v1";
        await using var gateway = await StartGatewayAsync(o => o.Upstreams.Add(new GatewayModelUpstreamOptions { Models = ["mistral-*"], BaseUrl = unreachable }));
        using var http = gateway.CreateHttpClient();
        _claude.ModelsStatus = 401;

        using var partial = await http.GetAsync("models");
        var ids = JsonNode.Parse(await partial.Content.ReadAsStringAsync())!["data"]!.AsArray().Select(m => (string)m!["id"]!).ToArray();

        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.Equal(["llama3.1", "gpt-4o-mini", "text-embedding-3-small"], ids);
        Assert.Equal(
            "LlmCache:Gateway:Upstreams:0 (status 401), LlmCache:Gateway:Upstreams:2 (unreachable)",
            partial.Headers.GetValues("x-llmcache-upstream-failures").Single());

        await using var down = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains, o =>
        {
            o.Upstream.BaseUrl = unreachable;
            o.Upstreams.Add(new GatewayModelUpstreamOptions { Models = ["claude-*"], BaseUrl = _claude.BaseUrl });
        });
        using var none = await down.CreateHttpClient().GetAsync("models");
        var message = (string?)JsonNode.Parse(await none.Content.ReadAsStringAsync())!["error"]!["message"];

        Assert.Equal(HttpStatusCode.BadGateway, none.StatusCode);
        Assert.Contains("LlmCache:Gateway:Upstreams:0 (status 401)", message);
        Assert.Contains("LlmCache:Gateway:Upstream (unreachable)", message);
    }

    [Fact]
    public async Task ModelWithoutAnUpstream_Gets503_ThatNamesTheModel_AndNothingIsAsked()
    {
        await using var gateway = await StartGatewayAsync(o => o.Upstream.BaseUrl = null);
        using var http = gateway.CreateHttpClient();

        using var chat = await PostAsync(http, "chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""");
        using var embeddings = await PostAsync(http, "embeddings", """{"model":"text-embedding-3-small","input":"hi"}""");
        using var model = await http.GetAsync("models/gpt-4o-mini");
        using var routed = await PostAsync(http, "chat/completions", """{"model":"claude-sonnet-4","messages":[{"role":"user","content":"hi"}]}""");

        foreach (var (response, name) in new[] { (chat, "gpt-4o-mini"), (embeddings, "text-embedding-3-small"), (model, "gpt-4o-mini") })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
            Assert.Contains($"'{name}'", (string?)error["message"]);
            Assert.Contains("LlmCache:Gateway:Upstream:BaseUrl", (string?)error["message"]);
            Assert.Equal("no_upstream", (string?)error["code"]);
        }

        Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        Assert.Equal(0, gateway.Upstream.Calls);
        Assert.Equal(1, _claude.Calls);
    }

    private Task<GatewayHost> StartGatewayAsync(Action<LlmCacheGatewayOptions> configure) =>
        GatewayHost.StartAsync(fixture.Cache, fixture.Grains, o =>
        {
            o.Upstreams.Add(new GatewayModelUpstreamOptions { Models = ["claude-*"], BaseUrl = _claude.BaseUrl, ApiKey = ClaudeKey });
            o.Upstreams.Add(new GatewayModelUpstreamOptions { Models = ["llama3.1"], BaseUrl = _llama.BaseUrl, ApiKey = LlamaKey });
            configure(o);
        });

    private ChatClient Chat(string model) => new(model, new ApiKeyCredential(GatewayHost.KeyA), _gateway.SdkOptions());

    private EmbeddingClient Embeddings(string model) => new(model, new ApiKeyCredential(GatewayHost.KeyA), _gateway.SdkOptions());

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string body) =>
        await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
}
