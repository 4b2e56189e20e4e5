using System.ClientModel;
using System.Net;
using System.Text;
using OpenAI.Responses;
using OrleansLlmCache.Tests.Infrastructure;

#pragma warning disable OPENAI001 // the Responses client of the official SDK is marked for evaluation

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// <c>POST /v1/responses</c> through the gateway, driven by the official OpenAI .NET SDK's Responses client: completed
/// responses are cached by the whole request, streamed or not; incomplete ones and errors are not.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayResponsesTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Model = "gpt-4o-mini";
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ARepeatedResponse_IsAHit_WithOneUpstreamCall_AndTheOriginalBody()
    {
        var client = Sdk();
        var question = Unique("What is Orleans?");

        var first = await client.CreateResponseAsync(Model, question);
        var second = await client.CreateResponseAsync(Model, question);

        Assert.Equal(1, _gateway.Upstream.Calls);
        Assert.Equal("miss", Header(first, "x-llmcache-status"));
        Assert.Equal("hit", Header(second, "x-llmcache-status"));
        Assert.NotNull(Header(second, "Age"));
        Assert.Equal(first.Value.GetOutputText(), second.Value.GetOutputText());
        Assert.Equal(first.GetRawResponse().Content.ToString(), second.GetRawResponse().Content.ToString());
        Assert.Equal(30, second.Value.Usage.TotalTokenCount);

        // Another previous response (or any other field) is another request.
        var followUp = await client.CreateResponseAsync(Model, question, previousResponseId: first.Value.Id);
        Assert.Equal("miss", Header(followUp, "x-llmcache-status"));
        Assert.Equal(2, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task AStreamedResponse_IsReplayedAsTheSameEvents_AndParsesInTheSdk()
    {
        var client = Sdk();
        var question = Unique("Stream it");

        var first = await StreamTextAsync(client, question);
        var second = await StreamTextAsync(client, question);

        Assert.Equal(first, second);
        Assert.Contains("Stream it", second, StringComparison.Ordinal);
        Assert.Equal(1, _gateway.Upstream.Calls);

        // A non-streaming request for the same input is another request (the body differs): cached apart.
        var whole = await client.CreateResponseAsync(Model, question);
        Assert.Equal("miss", Header(whole, "x-llmcache-status"));
        Assert.Equal(2, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task ConcurrentIdenticalStreams_MakeOneUpstreamCall()
    {
        var hold = new TaskCompletionSource();
        _gateway.Upstream.Hold = hold.Task;
        var client = Sdk();
        var question = Unique("Together");

        var streams = Enumerable.Range(0, 5).Select(_ => StreamTextAsync(client, question)).ToList();
        await Eventually.WaitUntilAsync(() => _gateway.Upstream.Calls == 1, TimeSpan.FromSeconds(10), () => "the upstream was never asked");
        hold.SetResult();
        var texts = await Task.WhenAll(streams);

        Assert.Single(texts.Distinct());
        Assert.Equal(1, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task IncompleteResponsesAndErrors_AreNotCached()
    {
        using var http = _gateway.CreateHttpClient();
        var incomplete = $$"""{"model":"{{Model}}","input":"incomplete"}""";
        using (var once = await PostAsync(http, incomplete))
        using (var twice = await PostAsync(http, incomplete))
        {
            Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
            Assert.Equal("bypass", Status(twice));
        }

        _gateway.Upstream.FailWith = 503;
        using var failed = await PostAsync(http, $$"""{"model":"{{Model}}","input":"{{Unique("down")}}"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Contains("stub error", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task ABodyWithoutModelOrInput_Gets400NamingIt_AndStoredResponsesArePassedThrough()
    {
        using var http = _gateway.CreateHttpClient();
        using var noInput = await PostAsync(http, $$"""{"model":"{{Model}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, noInput.StatusCode);
        Assert.StartsWith("The request is missing 'input'", await ErrorMessageAsync(noInput), StringComparison.Ordinal);
        using var noModel = await PostAsync(http, """{"input":"hi"}""");
        Assert.StartsWith("The request is missing 'model'", await ErrorMessageAsync(noModel), StringComparison.Ordinal);

        var stored = await Sdk().GetResponseAsync("resp_stub_42");
        Assert.Equal("resp_stub_42", stored.Value.Id);
        Assert.Equal(1, _gateway.Upstream.Calls);
    }

    private ResponsesClient Sdk(string key = GatewayHost.KeyA) => new OpenAI.OpenAIClient(new ApiKeyCredential(key), _gateway.SdkOptions()).GetResponsesClient();

    private static async Task<string> StreamTextAsync(ResponsesClient client, string question)
    {
        var text = new StringBuilder();
        var completed = false;
        await foreach (var update in await client.CreateResponseStreamingAsync(Model, question))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }

            completed |= update is StreamingResponseCompletedUpdate;
        }

        Assert.True(completed, "the stream ends with response.completed");
        return text.ToString();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body) =>
        await http.PostAsync("responses", new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<string?> ErrorMessageAsync(HttpResponseMessage response) =>
        (string?)System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())?["error"]?["message"];

    private static string Unique(string question) => $"{question} ({Guid.NewGuid():N})";

    private static string? Header<T>(ClientResult<T> result, string name) =>
        result.GetRawResponse().Headers.TryGetValue(name, out var value) ? value : null;

    private static string? Status(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-llmcache-status", out var values) ? values.Single() : null;
}
