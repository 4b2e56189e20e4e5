using System.Net;
using System.Text;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// <c>Cache-Control: stale-if-error</c> (RFC 5861) through the gateway: when the upstream fails, an answer expired for
/// at most the given seconds is served with <c>x-llmcache-status: stale</c>; an error that is the request's own is not.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayFailSafeTests(ClusterFixture fixture) : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task UpstreamFailure_IsAnsweredWithTheExpiredAnswer_OnlyWhereTheRequestAcceptsIt()
    {
        using var http = _gateway.CreateHttpClient();
        var body = Body(stream: false);
        using var stored = await PostAsync(http, body, "max-age=60, stale-if-error=3600");
        Assert.Equal("miss", Status(stored));
        var original = await stored.Content.ReadAsStringAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(5));

        // A refusal of the request itself (400) is passed through, stale-if-error or not.
        _gateway.Upstream.FailWith = 400;
        using var invalid = await PostAsync(http, body, "stale-if-error=3600");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);

        // Without stale-if-error the upstream's 503 is passed through.
        _gateway.Upstream.FailWith = 503;
        using var strict = await PostAsync(http, body, cacheControl: null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, strict.StatusCode);

        // With it, the expired answer: the original body, marked stale, with its age.
        using var stale = await PostAsync(http, body, "stale-if-error=3600");
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("stale", Status(stale));
        Assert.Equal(original, await stale.Content.ReadAsStringAsync());
        Assert.NotNull(stale.Headers.Age);

        // An answer more stale than the request accepts is not served: the request asks the upstream (it is not held
        // back by the throttle, which only stands in for callers that accept the stale answer) and gets its error.
        using var tooOld = await PostAsync(http, body, "stale-if-error=60");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, tooOld.StatusCode);
        Assert.Equal(5, _gateway.Upstream.Calls);
    }

    [Fact]
    public async Task WhileTheUpstreamIsThrottledAfterAFailure_StreamingRequestsGetTheStaleAnswerAsAStream()
    {
        using var http = _gateway.CreateHttpClient();
        using var stored = await PostAsync(http, Body(stream: false), "max-age=60, stale-if-error=3600");
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        _gateway.Upstream.FailWith = 429;
        using var first = await PostAsync(http, Body(stream: false), "stale-if-error=3600");
        Assert.Equal("stale", Status(first));

        using var streamed = await PostAsync(http, Body(stream: true), "stale-if-error=3600");

        Assert.Equal("stale", Status(streamed));
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("data: [DONE]\n\n", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, _gateway.Upstream.Calls); // the store and the one failure; the stream did not ask again
    }

    [Theory]
    [InlineData("stale-if-error=soon")]
    [InlineData("stale-if-error=-5")]
    public async Task AStaleIfErrorThatIsNotSeconds_IsRefusedNamingTheDirective(string cacheControl)
    {
        using var http = _gateway.CreateHttpClient();
        using var response = await PostAsync(http, Body(stream: false), cacheControl);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("stale-if-error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _gateway.Upstream.Calls);
    }

    private readonly string _question = $"Stale if error ({Guid.NewGuid():N})";

    private string Body(bool stream) =>
        $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{_question}}"}]{{(stream ? ",\"stream\":true" : string.Empty)}}}""";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string? cacheControl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (cacheControl is not null)
        {
            request.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        }

        return await http.SendAsync(request);
    }

    private static string? Status(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-llmcache-status", out var values) ? values.Single() : null;
}
