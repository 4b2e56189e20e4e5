using System.Text.Json.Nodes;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cli;

/// <summary>What a script reads from <c>llmcache</c>: <c>--json</c> documents with stable field names, and exit codes that tell the cases apart.</summary>
[Trait("Category", "Integration")]
public sealed class ScriptingTests
{
    [Fact]
    public async Task Json_OfGetStatsInvalidateAndCandidates_ParsesWithTheDocumentedFields()
    {
        var clusterId = "cli-json-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId);
        string[] cluster = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId];
        await CliRunner.RunAsync(["set", .. cluster, "--key", "answer-1", "--model", "gpt-4", "--response", "Forty-two.", "--tag", "docs"]);

        var get = await CliRunner.RunAsync(["get", .. cluster, "--key", "answer-1", "--json"]);
        var entry = JsonNode.Parse(get.Output)!;
        Assert.Equal(ExitCodes.Ok, get.ExitCode);
        Assert.Equal("default/default/answer-1", (string?)entry["key"]);
        Assert.True((bool)entry["found"]!);
        Assert.Equal("Forty-two.", (string?)entry["response"]);
        Assert.Equal("gpt-4", (string?)entry["model"]);
        Assert.Equal("docs", (string?)entry["tags"]![0]);

        var invalidated = await CliRunner.RunAsync(["invalidate", .. cluster, "--tag", "docs", "--json"]);
        var result = JsonNode.Parse(invalidated.Output)!;
        Assert.Equal(ExitCodes.Ok, invalidated.ExitCode);
        Assert.True((bool)result["complete"]!);
        Assert.Equal(1, (long)result["entriesReached"]!);

        var miss = await CliRunner.RunAsync(["get", .. cluster, "--key", "answer-1", "--json"]);
        Assert.Equal(ExitCodes.NotFound, miss.ExitCode);
        Assert.False((bool)JsonNode.Parse(miss.Output)!["found"]!);

        var stats = JsonNode.Parse((await CliRunner.RunAsync(["stats", .. cluster, "--json"])).Output)!;
        Assert.NotNull(stats["hitRate"]);
        Assert.NotNull(stats["netSaved"]);
        Assert.IsType<JsonArray>(stats["rows"]);

        var candidates = JsonNode.Parse((await CliRunner.RunAsync(["candidates", .. cluster, "--json"])).Output)!;
        Assert.IsType<JsonArray>(candidates["candidates"]);
    }

    [Fact]
    public async Task ExitCodes_TellAUsageErrorFromAClusterThatIsNotThere()
    {
        var unknownOption = await CliRunner.RunAsync(["get", "--no-such-option"]);
        Assert.Equal(ExitCodes.Usage, unknownOption.ExitCode);

        var badValue = await CliRunner.RunAsync(["set", "--key", "k", "--model", "gpt-4", "--response", "r", "--ttl", "forever"]);
        Assert.Equal(ExitCodes.Usage, badValue.ExitCode);
        Assert.Contains("--ttl 'forever' is not a duration", badValue.Output, StringComparison.Ordinal);

        var nobodyThere = await CliRunner.RunAsync(["get", "--key", "k", "--gateway", $"127.0.0.1:{FreePorts.Next()}", "--cluster-id", "nobody-" + Guid.NewGuid().ToString("N")[..8]]);
        Assert.Equal(ExitCodes.Unavailable, nobodyThere.ExitCode);
        Assert.Contains("Could not connect to the cluster", nobodyThere.Output, StringComparison.Ordinal);
    }
}
