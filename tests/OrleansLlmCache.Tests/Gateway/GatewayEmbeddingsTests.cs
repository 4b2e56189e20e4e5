using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Embeddings;
using OpenAI.Models;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// <c>POST /v1/embeddings</c> (cached by exact key) and <c>GET /v1/models</c> (passed through), driven by the official
/// OpenAI .NET SDK against a stub upstream that counts calls.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayEmbeddingsTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Model = "text-embedding-3-small";
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task RepeatedEmbedding_IsAHit_WithOneUpstreamCall_AndTheSameVector()
    {
        var embeddings = Sdk();
        var text = GatewayHost.Unique("Orleans is a virtual actor framework");

        var first = await embeddings.GenerateEmbeddingAsync(text);
        var second = await embeddings.GenerateEmbeddingAsync(text);

        Assert.Equal(1, _gateway.Upstream.Calls);
        Assert.Equal("miss", GatewayHost.Header(first, "x-llmcache-status"));
        Assert.Equal("hit", GatewayHost.Header(second, "x-llmcache-status"));
        Assert.Equal(GatewayHost.Header(first, "x-llmcache-key"), GatewayHost.Header(second, "x-llmcache-key"));
        Assert.StartsWith(GatewayHost.TenantA + "/default/", GatewayHost.Header(second, "x-llmcache-key"));
        Assert.NotNull(GatewayHost.Header(second, "Age"));
        Assert.Equal([text.Length, 1f, 0.5f], second.Value.ToFloats().ToArray());
        Assert.Equal(first.Value.ToFloats().ToArray(), second.Value.ToFloats().ToArray());
        Assert.Equal("Bearer " + GatewayHost.UpstreamKey, _gateway.Upstream.LastAuthorization);
    }

    [Fact]
    public async Task ConcurrentIdenticalRequests_MakeOneUpstreamCall()
    {
        var embeddings = Sdk();
        var text = GatewayHost.Unique("concurrent");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gateway.Upstream.Hold = release.Task;

        var leader = embeddings.GenerateEmbeddingAsync(text);
        await Eventually.WaitUntilAsync(() => _gateway.Upstream.Calls == 1, TimeSpan.FromSeconds(10), () => "the first request never reached the upstream");
        var followers = Enumerable.Range(0, 7).Select(_ => embeddings.GenerateEmbeddingAsync(text)).ToList();
        release.SetResult();
        var answers = await Task.WhenAll(followers.Prepend(leader));

        Assert.All(answers, a => Assert.Equal([text.Length, 1f, 0.5f], a.Value.ToFloats().ToArray()));
        Assert.Equal(1, _gateway.Upstream.Calls);
        Assert.Equal(["miss"], answers.Select(a => GatewayHost.Header(a, "x-llmcache-status")).Where(s => s == "miss"));
    }

    [Fact]
    public async Task EveryFieldDecidesTheKey_MemberOrderDoesNot_AndTenantsNeverShare()
    {
        using var http = _gateway.CreateHttpClient();
        var text = GatewayHost.Unique("keyed");

        using var first = await PostAsync(http, $$"""{"model":"{{Model}}","input":"{{text}}"}""");
        using var reordered = await PostAsync(http, $$"""{"input":"{{text}}","model":"{{Model}}"}""");
        using var dimensions = await PostAsync(http, $$"""{"model":"{{Model}}","input":"{{text}}","dimensions":2}""");
        using var otherTenant = await PostAsync(_gateway.CreateHttpClient(GatewayHost.KeyB), $$"""{"model":"{{Model}}","input":"{{text}}"}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("hit", Status(reordered));
        Assert.Equal("miss", Status(dimensions));
        Assert.Equal("miss", Status(otherTenant));
        Assert.Equal(3, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task NoStore_Bypasses_UpstreamErrorsPassThroughUncached_AndBadBodiesGet400()
    {
        using var http = _gateway.CreateHttpClient();
        var text = GatewayHost.Unique("bypassed");

        using var noStore = await PostAsync(http, $$"""{"model":"{{Model}}","input":"{{text}}"}""", r => r.Headers.CacheControl = new() { NoStore = true });
        using var again = await PostAsync(http, $$"""{"model":"{{Model}}","input":"{{text}}"}""");
        Assert.Equal("bypass", Status(noStore));
        Assert.Equal("miss", Status(again));

        var failing = $$"""{"model":"{{Model}}","input":["fail with 500 {{text}}"]}""";
        using var error = await PostAsync(http, failing);
        using var errorAgain = await PostAsync(http, failing);
        Assert.Equal(HttpStatusCode.InternalServerError, errorAgain.StatusCode);
        Assert.Contains("stub error 4", await errorAgain.Content.ReadAsStringAsync());
        Assert.Equal(4, _gateway.Upstream.Calls);

        using var noInput = await PostAsync(http, $$"""{"model":"{{Model}}"}""");
        using var notJson = await PostAsync(http, "embed this");
        Assert.Equal(HttpStatusCode.BadRequest, noInput.StatusCode);
        Assert.Contains("'input'", (string?)JsonNode.Parse(await noInput.Content.ReadAsStringAsync())!["error"]!["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(4, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task Models_ArePassedThroughToTheUpstream_AndNeedAKey()
    {
        var models = new OpenAIModelClient(new ApiKeyCredential(GatewayHost.KeyA), _gateway.SdkOptions());

        var list = await models.GetModelsAsync();

        Assert.Equal(["gpt-4o-mini", Model], list.Value.Select(m => m.Id).ToArray());
        Assert.Equal("Bearer " + GatewayHost.UpstreamKey, _gateway.Upstream.LastAuthorization);
        using var anonymous = _gateway.CreateHttpClient(key: null);
        using var refused = await anonymous.GetAsync("models");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, _gateway.Upstream.Calls);
    }

    private EmbeddingClient Sdk(string key = GatewayHost.KeyA) => new(Model, new ApiKeyCredential(key), _gateway.SdkOptions());

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "embeddings") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        return await http.SendAsync(request);
    }

    private static string? Status(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-llmcache-status", out var values) ? values.Single() : null;
}
