using System.Net;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansLlmCache.Tests.Gateway;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.HostileInput;

/// <summary>
/// The gateway on Kestrel at 127.0.0.1, in front of the test cluster and a stub upstream, posted hostile bodies on all
/// three cached endpoints: never a 500 of its own; a refusal is a 400 in OpenAI's error shape whose message names the
/// field its <c>param</c> gives, and reaches neither the upstream nor the cache.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayHostileBodyTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const int MaxRequestBytes = 64 * 1024;
    private GatewayHost _gateway = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains, o => o.MaxRequestBytes = MaxRequestBytes);
        _http = _gateway.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
    }

    [Property(MaxTest = 60)]
    public Property HostileBodies_AreAnsweredOrRefusedNamingTheField_NeverA500() => Prop.ForAll(
        Hostile.Arb(Gen.Frequency(
            (4, HostileBodies.Bytes(HostileBodies.Chat).Select(b => ("chat/completions", b))),
            (2, HostileBodies.Bytes(HostileBodies.Exact).Select(b => ("embeddings", b))),
            (2, HostileBodies.Bytes(HostileBodies.Exact).Select(b => ("responses", b))),
            (1, Gen.Elements("chat/completions", "embeddings", "responses", "cache/invalidate", "cache/entries/k1")
                .Select(path => (path, System.Text.Encoding.UTF8.GetBytes("{\"response\":\"" + new string('x', MaxRequestBytes) + "\"}")))))),
        async request =>
        {
            var (path, body) = request;
            var callsBefore = _gateway.Upstream.Calls;
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = path.StartsWith("cache/entries", StringComparison.Ordinal)
                ? await _http.PutAsync(path, content)
                : await _http.PostAsync(path, content);
            var text = await response.Content.ReadAsStringAsync();
            var upstreamAsked = _gateway.Upstream.Calls > callsBefore;

            // The stub upstream's own answer to what the gateway forwarded is not the gateway's to judge.
            Assert.True((int)response.StatusCode < 500 || upstreamAsked, $"{(int)response.StatusCode} for {path} {Hostile.Show(System.Text.Encoding.UTF8.GetString(body))}: {Hostile.Show(text)}");
            if (response.StatusCode != HttpStatusCode.BadRequest || upstreamAsked)
            {
                return;
            }

            using var error = JsonDocument.Parse(text);
            var detail = error.RootElement.GetProperty("error");
            var message = detail.GetProperty("message").GetString()!;
            Assert.Equal("invalid_request_error", detail.GetProperty("type").GetString());
            if (detail.GetProperty("param").ValueKind == JsonValueKind.String)
            {
                Assert.Contains(detail.GetProperty("param").GetString()!, message, StringComparison.Ordinal);
            }

            Assert.False(response.Headers.Contains("x-llmcache-key"), "a refused request got a cache key");
        });

    [Fact]
    public async Task AfterHostileBodies_AnOrdinaryRequest_IsAMissThenAHit()
    {
        using var refused = await _http.PostAsync("chat/completions", new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"\ud800"}]}""", null, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("\"param\":\"messages[0].content\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var body = $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{GatewayHost.Unique("ordinary")}}"}]}""";
        using var first = await _http.PostAsync("chat/completions", new StringContent(body, null, "application/json"));
        using var second = await _http.PostAsync("chat/completions", new StringContent(body, null, "application/json"));
        Assert.Equal("miss", first.Headers.GetValues("x-llmcache-status").Single());
        Assert.Equal("hit", second.Headers.GetValues("x-llmcache-status").Single());
    }
}
