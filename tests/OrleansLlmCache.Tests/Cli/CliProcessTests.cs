using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cli;

/// <summary>
/// The real <c>llmcache</c> program in its own process: everything it writes to the console (hosts and runtime
/// included, which an in-process run does not capture), and standard input.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CliProcessTests
{
    [Fact]
    public async Task Get_WithNoSiloListening_PrintsOneLine_NoStackTrace()
    {
        var (exitCode, output, error) = await CliProcess.RunAsync(null, "get", "--gateway", $"127.0.0.1:{FreePorts.Next()}", "--key", "abc");

        Assert.Equal(ExitCodes.Unavailable, exitCode);
        var line = Assert.Single(Lines(output + error));
        Assert.StartsWith("error: Could not connect to the cluster at 127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project silo", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithRedisUnreachable_SaysRedisIsUnreachable_NotStartASilo()
    {
        var port = FreePorts.Next();
        var (exitCode, output, error) = await CliProcess.RunAsync(null, "get", "--redis", $"127.0.0.1:{port},password=not-for-the-log", "--key", "abc");

        Assert.Equal(ExitCodes.Unavailable, exitCode);
        var line = Assert.Single(Lines(output + error));
        Assert.StartsWith($"error: Redis at 127.0.0.1:{port} is unreachable", line, StringComparison.Ordinal);
        Assert.Contains("--redis", line, StringComparison.Ordinal);
        Assert.DoesNotContain("silo", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("not-for-the-log", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_FromStandardInput_StoresAnAnswerLongerThanACommandLine()
    {
        var clusterId = "cli-stdin-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId);
        string[] cluster = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId];
        var answer = string.Concat(Enumerable.Range(0, 8000).Select(i => $"paragraph {i} of a long generated answer.\n")); // about 330 KiB

        var set = await CliProcess.RunAsync(answer, ["set", .. cluster, "--key", "from-stdin", "--model", "gpt-4", "--response-file", "-"]);
        Assert.True(set.ExitCode == 0, set.Output + set.Error);

        var get = await CliRunner.RunAsync(["get", .. cluster, "--key", "from-stdin"]);
        Assert.True(get.ExitCode == 0, get.Output);
        Assert.Contains(answer, get.Output, StringComparison.Ordinal);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
