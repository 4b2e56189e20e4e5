using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Tests.Deploy;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// docs/examples/gateway_example.py, the Python example docs/gateway.md shows, run with python3 against a gateway and a
/// stub upstream: what the documentation promises a Python service is what it gets.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayPythonExampleTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string Example = "docs/examples/gateway_example.py";
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task PythonExample_GetsAHit_AndSetsGetsAndInvalidatesUnderTheArticlesKey()
    {
        var question = $"What is Orleans? ({Guid.NewGuid():N})";

        var run = await ScriptRunner.RunAsync("python3", Example, new Dictionary<string, string>
        {
            ["LLMCACHE_BASE_URL"] = _gateway.BaseUrl,
            ["LLMCACHE_API_KEY"] = GatewayHost.KeyA,
            ["LLMCACHE_QUESTION"] = question,
        }, "install Python 3.8 or newer (the example needs only its standard library).");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var articleKey = new PromptRequest("Explain quantum computing", "gpt-4", 0.7, 500).ComputeHash();
        Assert.Equal(
            [
                $"chat first: 200 miss answer 1: {question}",
                $"chat second: 200 hit answer 1: {question}",
                $"put: 200 {articleKey}",
                "get: 200 Qubits hold superpositions.",
            ],
            lines[..4]);
        Assert.Matches(@"^invalidate: 200 entries reached [1-9]\d*, complete True$", lines[4]);
        Assert.StartsWith("get after invalidate: 404 No live entry", lines[5]);
        Assert.Equal(6, lines.Length);
        Assert.Equal(1, _gateway.Upstream.Calls);
        Assert.Contains(RepositoryFiles.Read(Example), RepositoryFiles.Read("docs/gateway.md"), StringComparison.Ordinal); // quoted whole, so the two cannot drift
    }
}
