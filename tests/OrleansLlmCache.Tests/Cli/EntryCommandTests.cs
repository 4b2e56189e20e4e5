using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cli;

/// <summary><c>llmcache set/get/remove</c> against a silo started the way <c>dotnet run --project silo</c> starts one.</summary>
public sealed class EntryCommandTests
{
    [Fact]
    public async Task SetGetRemove_AgainstARunningSilo()
    {
        var clusterId = "cli-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId);
        string[] cluster = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId];
        string[] request = ["--prompt", "What is Orleans?", "--model", "gpt-4", "--temperature", "0.7", "--max-tokens", "100"];

        var set = await CliRunner.RunAsync(["set", .. cluster, .. request, "--response", "A virtual actor framework.", "--ttl", "1h", "--tenant", "acme"]);
        Assert.True(set.ExitCode == 0, set.Output);
        Assert.Contains("stored acme/default/", set.Output, StringComparison.Ordinal);

        var get = await CliRunner.RunAsync(["get", .. cluster, .. request, "--tenant", "acme"]);
        Assert.True(get.ExitCode == 0, get.Output);
        Assert.Contains("A virtual actor framework.", get.Output, StringComparison.Ordinal);
        Assert.Contains("gpt-4", get.Output, StringComparison.Ordinal);

        // Another tenant never sees it.
        var otherTenant = await CliRunner.RunAsync(["get", .. cluster, .. request, "--tenant", "globex"]);
        Assert.Equal(2, otherTenant.ExitCode);

        var remove = await CliRunner.RunAsync(["remove", .. cluster, .. request, "--tenant", "acme"]);
        Assert.Contains("removed", remove.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await CliRunner.RunAsync(["get", .. cluster, .. request, "--tenant", "acme"])).ExitCode);
    }

    [Fact]
    public async Task SetWithTags_ThenInvalidate_ReportsTheEntriesReached()
    {
        var clusterId = "cli-inv-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId);
        string[] cluster = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId];

        for (var i = 0; i < 3; i++)
        {
            var set = await CliRunner.RunAsync(["set", .. cluster, "--namespace", "content:blog", "--key", $"post-{i}", "--model", "gpt-4", "--response", $"post {i}", "--tag", "launch", "--dependency", "pricing"]);
            Assert.True(set.ExitCode == 0, set.Output);
            Assert.Contains("tag launch, dependency pricing", set.Output, StringComparison.Ordinal);
        }

        var byTag = await CliRunner.RunAsync(["invalidate", .. cluster, "--tag", "launch"]);
        Assert.True(byTag.ExitCode == 0, byTag.Output);
        Assert.Contains("reached 3 entries", byTag.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await CliRunner.RunAsync(["get", .. cluster, "--namespace", "content:blog", "--key", "post-0"])).ExitCode);

        await CliRunner.RunAsync(["set", .. cluster, "--namespace", "content:blog", "--key", "post-0", "--model", "gpt-4", "--response", "again"]);
        var byPattern = await CliRunner.RunAsync(["invalidate", .. cluster, "--pattern", "content:*"]);
        Assert.Contains("reached 1 entries", byPattern.Output, StringComparison.Ordinal);

        var refused = await CliRunner.RunAsync(["invalidate", .. cluster, "--pattern", "*:blog"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not supported", refused.Output, StringComparison.Ordinal);

        var none = await CliRunner.RunAsync(["invalidate", .. cluster]);
        Assert.Contains("exactly one of --tag, --dependency or --pattern", none.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithNoClusterListening_SaysHowToStartOne()
    {
        var (exitCode, output) = await CliRunner.RunAsync("get", "--gateway", $"127.0.0.1:{FreePorts.Next()}", "--key", "abc");
        Assert.Equal(1, exitCode);
        Assert.Contains("Could not connect to the cluster", output, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project silo", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--gateway", "nonsense", "host:port")]
    [InlineData("--ttl", "forever", "--ttl")]
    public async Task Set_BadOption_ExplainsTheExpectedForm(string option, string value, string expected)
    {
        var args = new List<string> { "set", "--key", "k1", "--model", "gpt-4", "--response", "r", option, value };
        var (exitCode, output) = await CliRunner.RunAsync([.. args]);
        Assert.Equal(1, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
