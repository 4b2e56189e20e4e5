using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// The gateway driven by the official OpenAI .NET SDK, as a customer would, against a stub upstream that counts calls.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayChatCompletionsTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Model = "gpt-4o-mini";
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task RepeatedRequest_IsAHit_WithOneUpstreamCall_AndTheOriginalBody()
    {
        var chat = Sdk();
        var question = GatewayHost.Unique("What is Orleans?");

        var first = await chat.CompleteChatAsync([new UserChatMessage(question)]);
        var second = await chat.CompleteChatAsync([new UserChatMessage(question)]);

        Assert.Equal(1, _gateway.Upstream.Calls);
        Assert.Equal("miss", GatewayHost.Header(first, "x-llmcache-status"));
        Assert.Equal("hit", GatewayHost.Header(second, "x-llmcache-status"));
        Assert.Equal(GatewayHost.Header(first, "x-llmcache-key"), GatewayHost.Header(second, "x-llmcache-key"));
        Assert.StartsWith(GatewayHost.TenantA + "/default/", GatewayHost.Header(second, "x-llmcache-key"));
        Assert.NotNull(GatewayHost.Header(second, "Age"));
        Assert.Equal($"answer 1: {question}", second.Value.Content[0].Text);
        Assert.Equal(first.GetRawResponse().Content.ToString(), second.GetRawResponse().Content.ToString());
        Assert.Equal(46, second.Value.Usage.TotalTokenCount); // the original's usage
        Assert.Equal("Bearer " + GatewayHost.UpstreamKey, _gateway.Upstream.LastAuthorization);
    }

    [Fact]
    public async Task UnknownFields_AreForwardedAsSent_AndDecideTheKey()
    {
        using var http = _gateway.CreateHttpClient();
        var question = GatewayHost.Unique("Unknown fields");
        string Body(string user) => $$$"""{"model":"{{{Model}}}","messages":[{"role":"user","content":"{{{question}}}"}],"user":"{{{user}}}","x_vendor_knob":{"depth":3}}""";

        using var first = await PostAsync(http, Body("alice"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(Body("alice"), _gateway.Upstream.LastBody);

        using var other = await PostAsync(http, Body("bob"));
        Assert.Equal("miss", Status(other));
        Assert.Equal(2, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task StreamingMiss_StreamsLive_AndEveryLaterRequestIsReplayed_WhicheverWayItAsks()
    {
        var chat = Sdk();
        var question = GatewayHost.Unique("Stream me");

        var live = await StreamTextAsync(chat, question);
        var replayed = await StreamTextAsync(chat, question);
        var whole = await chat.CompleteChatAsync([new UserChatMessage(question)]);

        Assert.Equal($"answer 1: {question}", live);
        Assert.Equal(live, replayed);
        Assert.Equal(live, whole.Value.Content[0].Text);
        Assert.Equal("hit", GatewayHost.Header(whole, "x-llmcache-status"));
        Assert.Equal(46, whole.Value.Usage.TotalTokenCount);
        Assert.Equal(1, _gateway.Upstream.Calls);

        using var http = _gateway.CreateHttpClient();
        using var raw = await PostAsync(http, $$"""{"model":"{{Model}}","stream":true,"messages":[{"role":"user","content":"{{question}}"}]}""");
        var events = await raw.Content.ReadAsStringAsync();
        Assert.Equal("hit", Status(raw));
        Assert.Equal("text/event-stream", raw.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("data: [DONE]\n\n", events);
    }

    [Fact]
    public async Task NonStreamingAnswer_IsReplayedAsAStream_ThatTheSdkParses()
    {
        var chat = Sdk();
        var question = GatewayHost.Unique("Whole first");

        var whole = await chat.CompleteChatAsync([new UserChatMessage(question)]);
        var streamed = await StreamTextAsync(chat, question);

        Assert.Equal(whole.Value.Content[0].Text, streamed);
        Assert.Equal(1, _gateway.Upstream.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentIdenticalRequests_MakeOneUpstreamCall(bool stream)
    {
        var chat = Sdk();
        var question = GatewayHost.Unique("Concurrent");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gateway.Upstream.Hold = release.Task;

        Task<string> Ask() => stream
            ? StreamTextAsync(chat, question)
            : chat.CompleteChatAsync([new UserChatMessage(question)]).ContinueWith(t => t.Result.Value.Content[0].Text, TaskScheduler.Default);

        var leader = Ask();
        await Eventually.WaitUntilAsync(() => _gateway.Upstream.Calls == 1, TimeSpan.FromSeconds(10), () => "the first request never reached the upstream");
        var followers = Enumerable.Range(0, 7).Select(_ => Ask()).ToList();
        release.SetResult();
        var answers = await Task.WhenAll(followers.Prepend(leader));

        Assert.All(answers, a => Assert.Equal($"answer 1: {question}", a));
        Assert.Equal(1, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task NoStore_BypassesTheCache_AndNoCache_AsksTheUpstreamAndStoresItsAnswer()
    {
        using var http = _gateway.CreateHttpClient();
        var body = Body(GatewayHost.Unique("Cache-Control"));

        using var stored = await PostAsync(http, body);
        using var noStore = await PostAsync(http, body, r => r.Headers.CacheControl = new() { NoStore = true });
        Assert.Equal("bypass", Status(noStore));
        Assert.Equal(2, _gateway.Upstream.Calls);

        using var noCache = await PostAsync(http, body, r => r.Headers.CacheControl = new() { NoCache = true });
        Assert.Equal("miss", Status(noCache));
        Assert.Equal(3, _gateway.Upstream.Calls);
        Assert.Contains("answer 3:", await noCache.Content.ReadAsStringAsync());

        using var after = await PostAsync(http, body);
        Assert.Equal("hit", Status(after));
        Assert.Contains("answer 3:", await after.Content.ReadAsStringAsync());
        Assert.Equal(3, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task WrongOrMissingKey_Gets401_InOpenAisErrorShape()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Sdk("sk-not-a-key").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, error.Status);

        using var http = _gateway.CreateHttpClient(key: null);
        using var missing = await PostAsync(http, Body("hi"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        var json = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        Assert.Contains("Authorization: Bearer", (string?)json["error"]!["message"]);
        Assert.Equal("invalid_api_key", (string?)json["error"]!["code"]);
        Assert.NotNull(json["error"]!["type"]);
        Assert.Equal(0, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task TenantA_NeverSeesTenantBsAnswer()
    {
        var question = GatewayHost.Unique("Tenant secret");

        var a = await Sdk(GatewayHost.KeyA).CompleteChatAsync([new UserChatMessage(question)]);
        var b = await Sdk(GatewayHost.KeyB).CompleteChatAsync([new UserChatMessage(question)]);

        Assert.Equal("miss", GatewayHost.Header(b, "x-llmcache-status"));
        Assert.Equal($"answer 2: {question}", b.Value.Content[0].Text);
        Assert.StartsWith(GatewayHost.TenantB + "/support/", GatewayHost.Header(b, "x-llmcache-key"));
        Assert.Equal(2, _gateway.Upstream.Calls);
        Assert.Equal($"answer 1: {question}", (await Sdk(GatewayHost.KeyA).CompleteChatAsync([new UserChatMessage(question)])).Value.Content[0].Text);
    }

    [Fact]
    public async Task NamespaceOutsideTheKeysBinding_IsRefused()
    {
        using var http = _gateway.CreateHttpClient(GatewayHost.KeyB);
        using var refused = await PostAsync(http, Body("hi"), r => r.Headers.Add("x-llmcache-namespace", "billing"));
        using var allowed = await PostAsync(http, Body(GatewayHost.Unique("prefix")), r => r.Headers.Add("x-llmcache-namespace", "content:blog"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("billing", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("/content:blog/", allowed.Headers.GetValues("x-llmcache-key").Single());
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    public async Task UpstreamErrors_ArePassedThrough_AndNeverCached(int status)
    {
        using var http = _gateway.CreateHttpClient();
        var body = Body(GatewayHost.Unique($"fail with {status}")[..$"fail with {status}".Length]);

        using var first = await PostAsync(http, body);
        using var second = await PostAsync(http, body);

        Assert.Equal(status, (int)first.StatusCode);
        Assert.Equal(status, (int)second.StatusCode);
        Assert.Contains("stub error 2", await second.Content.ReadAsStringAsync());
        Assert.Equal("1", second.Headers.GetValues("retry-after").Single());
        Assert.Equal(2, _gateway.Upstream.Calls);
    }

    [Theory]
    [InlineData("this is not json", "not valid JSON")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "'model'")]
    [InlineData("""{"model":"gpt-4o-mini"}""", "'messages'")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[]}""", "'messages'")]
    [InlineData("""{"model":"gpt-4o-mini","messages":["hi"]}""", "messages[0]")]
    [InlineData("[1, 2]", "JSON object")]
    public async Task MalformedBody_Gets400_ThatNamesWhatToFix(string body, string named)
    {
        using var http = _gateway.CreateHttpClient();
        using var response = await PostAsync(http, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(named, (string?)json["error"]!["message"]);
        Assert.Equal("invalid_request_error", (string?)json["error"]!["type"]);
        Assert.Equal(0, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task BodyOverTheLimit_Gets400_ThatNamesTheLimit()
    {
        await using var small = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains, o => o.MaxRequestBytes = 1024);
        using var http = small.CreateHttpClient();
        using var response = await PostAsync(http, Body(new string('x', 2048)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MaxRequestBytes", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, small.Upstream.Calls);
    }

    [Fact]
    public async Task BadCacheHeaders_Get400_ThatNamesTheHeader()
    {
        using var http = _gateway.CreateHttpClient();
        using var semantic = await PostAsync(http, Body("hi"), r => r.Headers.Add("x-llmcache-semantic", "maybe"));
        using var tags = await PostAsync(http, Body("hi"), r => r.Headers.Add("x-llmcache-tags", "ok, not ok"));

        Assert.Equal(HttpStatusCode.BadRequest, semantic.StatusCode);
        Assert.Contains("x-llmcache-semantic", await semantic.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, tags.StatusCode);
        Assert.Contains("x-llmcache-tags", await tags.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TagsFromTheHeader_InvalidateTheAnswer()
    {
        using var http = _gateway.CreateHttpClient();
        var tag = "launch-" + Guid.NewGuid().ToString("N")[..8];
        var body = Body(GatewayHost.Unique("Tagged"));

        using var stored = await PostAsync(http, body, r => r.Headers.Add("x-llmcache-tags", tag));
        using var invalidate = await http.PostAsync("cache/invalidate", new StringContent($$"""{"tag":"{{tag}}"}""", Encoding.UTF8, "application/json"));
        var reached = JsonNode.Parse(await invalidate.Content.ReadAsStringAsync())!;
        using var after = await PostAsync(http, body);

        Assert.Equal(1, (long)reached["entriesReached"]!);
        Assert.Equal("miss", Status(after));
        Assert.Equal(2, _gateway.Upstream.Calls);
    }

    private ChatClient Sdk(string key = GatewayHost.KeyA) => new(Model, new ApiKeyCredential(key), _gateway.SdkOptions());

    private static async Task<string> StreamTextAsync(ChatClient chat, string question)
    {
        var text = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(question)]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        return text.ToString();
    }

    private static string Body(string question) =>
        new JsonObject { ["model"] = Model, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question }) }.ToJsonString();

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        return await http.SendAsync(request);
    }

    private static string? Status(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-llmcache-status", out var values) ? values.Single() : null;
}
