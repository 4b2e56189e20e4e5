using System.Text.Json.Nodes;
using OrleansLlmCache.Tests.Deploy;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// The gateway driven by a client nobody here wrote: the official <c>openai</c> npm package under Node
/// (tests/node-gateway, installed by <c>npm ci --prefix tests/node-gateway</c>, which tests/run-tests.sh runs).
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayNodeClientTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Package = "tests/node-gateway";
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task OpenAiNpmPackage_GetsAHit_ParsesStreams_AndIsRefusedWithAWrongKey()
    {
        Assert.True(
            File.Exists(RepositoryFiles.PathOf(Package + "/node_modules/openai/package.json")),
            $"The openai npm package is not installed: run `npm ci --prefix {Package}` (bash tests/run-tests.sh does).");
        var question = $"What is Orleans? ({Guid.NewGuid():N})";

        var run = await ScriptRunner.RunAsync("node", Package + "/gateway.mjs", new Dictionary<string, string>
        {
            ["LLMCACHE_BASE_URL"] = _gateway.BaseUrl,
            ["LLMCACHE_API_KEY"] = GatewayHost.KeyA,
            ["LLMCACHE_QUESTION"] = question,
        }, $"install Node.js 20 or newer, then run `npm ci --prefix {Package}`.");

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Output)!;
        Assert.Equal("miss", (string?)result["first"]!["status"]);
        Assert.Equal("hit", (string?)result["second"]!["status"]);
        Assert.Equal($"answer 1: {question}", (string?)result["second"]!["text"]);
        Assert.Equal((string?)result["first"]!["key"], (string?)result["second"]!["key"]);

        Assert.Equal("hit", (string?)result["streamReplay"]!["status"]);
        Assert.Equal($"answer 1: {question}", (string?)result["streamReplay"]!["text"]);
        Assert.Equal("miss", (string?)result["streamLive"]!["status"]);
        Assert.Equal($"answer 2: {question} as a stream", (string?)result["streamLive"]!["text"]);
        Assert.True((int)result["streamLive"]!["chunks"]! > 1, "the live stream should arrive in several chunks");

        Assert.True((bool)result["wrongKey"]!["refused"]!);
        Assert.Equal(401, (int)result["wrongKey"]!["status"]!);
        Assert.True((bool)result["wrongKey"]!["authenticationError"]!, "the SDK should raise AuthenticationError");
        Assert.Equal(2, _gateway.Upstream.Calls); // the question once, the streamed question once; the wrong key never
    }
}
