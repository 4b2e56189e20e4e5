using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cli;

/// <summary><c>llmcache set/get/remove</c> against a silo started the way <c>dotnet run --project silo</c> starts one.</summary>
[Trait("Category", "Integration")]
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
        Assert.Equal(ExitCodes.NotFound, otherTenant.ExitCode);

        var remove = await CliRunner.RunAsync(["remove", .. cluster, .. request, "--tenant", "acme"]);
        Assert.Contains("removed", remove.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, (await CliRunner.RunAsync(["get", .. cluster, .. request, "--tenant", "acme"])).ExitCode);
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
        Assert.Equal(ExitCodes.NotFound, (await CliRunner.RunAsync(["get", .. cluster, "--namespace", "content:blog", "--key", "post-0"])).ExitCode);

        await CliRunner.RunAsync(["set", .. cluster, "--namespace", "content:blog", "--key", "post-0", "--model", "gpt-4", "--response", "again"]);
        var byPattern = await CliRunner.RunAsync(["invalidate", .. cluster, "--pattern", "content:*"]);
        Assert.Contains("reached 1 entries", byPattern.Output, StringComparison.Ordinal);

        var refused = await CliRunner.RunAsync(["invalidate", .. cluster, "--pattern", "*:blog"]);
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("not supported", refused.Output, StringComparison.Ordinal);

        var none = await CliRunner.RunAsync(["invalidate", .. cluster]);
        Assert.Contains("exactly one of --tag, --dependency or --pattern", none.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithNoClusterListening_SaysHowToStartOne()
    {
        var (exitCode, output) = await CliRunner.RunAsync("get", "--gateway", $"127.0.0.1:{FreePorts.Next()}", "--key", "abc");
        Assert.Equal(ExitCodes.Unavailable, exitCode);
        Assert.Contains("Could not connect to the cluster", output, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project silo", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--gateway", "nonsense", "host:port")]
    [InlineData("--ttl", "forever", "--ttl")]
    [InlineData("--ttl", "1e309s", "--ttl '1e309s' is not a duration the cache can keep")]
    [InlineData("--ttl", "1e12d", "--ttl '1e12d' is not a duration the cache can keep")]
    [InlineData("--gateway", "no-such-host.invalid:30000", "--gateway host 'no-such-host.invalid' does not resolve")]
    [InlineData("--response-file", "/no/such/answer.txt", "--response-file '/no/such/answer.txt' cannot be read")]
    public async Task Set_BadOption_ExplainsTheExpectedForm(string option, string value, string expected)
    {
        var args = new List<string> { "set", "--key", "k1", "--model", "gpt-4", option, value };
        if (option != "--response-file")
        {
            args.AddRange(["--response", "r"]);
        }

        var (exitCode, output) = await CliRunner.RunAsync([.. args]);
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.StartsWith("error: ", output, StringComparison.Ordinal);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Single(output.Trim().Split('\n')); // one line, no stack trace
    }

    [Fact]
    public async Task SetFromAFile_StoresAnAnswerLongerThanACommandLine_AndRefusesOneOverTheLimit()
    {
        var clusterId = "cli-file-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId);
        string[] cluster = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId];
        var answer = string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i}: a long answer, ünïcode included\n")); // about 210 KiB
        var file = Path.Combine(Path.GetTempPath(), $"answer-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, answer);
        try
        {
            var set = await CliRunner.RunAsync(["set", .. cluster, "--key", "long-answer", "--model", "gpt-4", "--response-file", file]);
            Assert.True(set.ExitCode == 0, set.Output);

            var get = await CliRunner.RunAsync(["get", .. cluster, "--key", "long-answer"]);
            Assert.True(get.ExitCode == 0, get.Output);
            Assert.Contains(answer, get.Output, StringComparison.Ordinal); // whole, trailing newline included

            await File.WriteAllTextAsync(file, new string('x', LlmCacheLimits.MaxResponseBytes + 1));
            var tooLarge = await CliRunner.RunAsync(["set", .. cluster, "--key", "too-large", "--model", "gpt-4", "--response-file", file]);
            Assert.Equal(ExitCodes.Usage, tooLarge.ExitCode);
            Assert.Contains($"larger than {LlmCacheLimits.MaxResponseBytes} bytes", tooLarge.Output, StringComparison.Ordinal);

            var both = await CliRunner.RunAsync(["set", .. cluster, "--key", "both", "--model", "gpt-4", "--response", "r", "--response-file", file]);
            Assert.Equal(ExitCodes.Usage, both.ExitCode);
            Assert.Contains("exactly one of --response TEXT or --response-file PATH", both.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Get_OnATerminal_EscapesControlCharacters_AndRedirectedKeepsTheBytes()
    {
        var clusterId = "cli-esc-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId);
        string[] cluster = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId];

        // An answer that retitles the window, clears the screen, rings the bell and reverses the text after it.
        const string Hostile = "Sure.\u001b]0;owned\u0007\u001b[2J\u009b31m and \u202Ereversed\r\nnext line\ttab";
        var set = await CliRunner.RunAsync(["set", .. cluster, "--key", "hostile", "--model", "gpt-4", "--response", Hostile]);
        Assert.True(set.ExitCode == 0, set.Output);

        var terminal = await CliRunner.RunOnTerminalAsync(["get", .. cluster, "--key", "hostile"]);
        Assert.True(terminal.ExitCode == 0, terminal.Output);
        Assert.Contains("Sure.\\x1b]0;owned\\x07\\x1b[2J\\x9b31m and \\u202ereversed\r\nnext line\ttab", terminal.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', terminal.Output);
        Assert.DoesNotContain('\u0007', terminal.Output);
        Assert.DoesNotContain('\u009b', terminal.Output);

        var redirected = await CliRunner.RunAsync(["get", .. cluster, "--key", "hostile"]);
        Assert.True(redirected.ExitCode == 0, redirected.Output);
        Assert.Contains(Hostile, redirected.Output, StringComparison.Ordinal);
    }
}
