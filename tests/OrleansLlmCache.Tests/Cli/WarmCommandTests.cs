using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cli;

/// <summary><c>llmcache warm</c> as its own process against a silo, with an OpenAI-compatible stub as the paid origin.</summary>
[Trait("Category", "Integration")]
public sealed partial class WarmCommandTests
{
    private static readonly Dictionary<string, string> ApiKey = new() { ["LLMCACHE_TEST_ORIGIN_KEY"] = "test-key" };

    [Fact]
    public async Task Warm_OnSigterm_FinishesTheCallsInFlight_SaysWhatItDid_AndSendsNoMore()
    {
        // The stub holds every answer until released: with two calls in flight the batch cannot move on by itself.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var origin = new StubOpenAiServer(() => release.Task);
        var clusterId = "cli-warm-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId);
        var file = Path.Combine(Path.GetTempPath(), $"warm-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, 1000).Select(RequestLine));
        try
        {
            await using var cli = CliProcess.Start([.. WarmArgs(file, silo, origin), "--concurrency", "2"], ApiKey);
            await Eventually.WaitUntilAsync(
                () => origin.Requests.Count >= 2, TimeSpan.FromSeconds(60), () => $"the origin got {origin.Requests.Count} calls. Output:\n{cli.Output}\n{cli.Error}");

            await cli.TerminateAsync();
            await Eventually.WaitUntilAsync(
                () => cli.Error.Contains("SIGTERM received", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => $"no notice of the signal. Error:\n{cli.Error}");
            release.SetResult();
            var exitCode = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.True(exitCode == 143, $"exit code {exitCode}. Output:\n{cli.Output}\n{cli.Error}");
            Assert.Matches(SummaryPattern(), cli.Output);
            Assert.Contains("2 requests: 2 warmed, 0 already cached, 0 failed", cli.Output, StringComparison.Ordinal);
            Assert.Contains($"Stopped by a signal after line 2 of {file}", cli.Output, StringComparison.Ordinal);
            Assert.Equal(2, origin.Requests.Count); // the two in flight, none of the 998 after the signal
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Warm_ReadsTheFileAsItGoes_TheFirstRequestIsSentBeforeTheFileEnds()
    {
        // A named pipe is a file whose end the test decides: a command that reads the whole file first sends nothing.
        await using var origin = new StubOpenAiServer();
        var clusterId = "cli-stream-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId);
        var pipe = Path.Combine(Path.GetTempPath(), $"warm-{Guid.NewGuid():N}.jsonl");
        await ProcessRunner.RunAsync("mkfifo", pipe);
        try
        {
            await using var cli = CliProcess.Start([.. WarmArgs(pipe, silo, origin), "--concurrency", "1"], ApiKey);

            // Opening a pipe for writing waits for its reader: the command opens it once connected.
            await using (var writer = await Task.Run(() => new StreamWriter(new FileStream(pipe, FileMode.Open, FileAccess.Write))).WaitAsync(TimeSpan.FromSeconds(60)))
            {
                await writer.WriteLineAsync(RequestLine(0));
                await writer.WriteLineAsync("not a request");
                await writer.FlushAsync();
                await Eventually.WaitUntilAsync(
                    () => !origin.Requests.IsEmpty, TimeSpan.FromSeconds(60), () => $"no request was sent while the file was still open. Output:\n{cli.Output}\n{cli.Error}");
                await writer.WriteLineAsync(RequestLine(1));
            }

            var exitCode = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exitCode == ExitCodes.Failed, $"exit code {exitCode}. Output:\n{cli.Output}\n{cli.Error}"); // a line failed
            Assert.Contains("2 requests: 2 warmed, 0 already cached, 1 failed", cli.Output, StringComparison.Ordinal);
            Assert.Contains("line 2: ", cli.Output, StringComparison.Ordinal);
            Assert.Equal(2, origin.Requests.Count);
        }
        finally
        {
            File.Delete(pipe);
        }
    }

    private static string[] WarmArgs(string file, TcpSilo silo, StubOpenAiServer origin) =>
    [
        "warm", file, "--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", silo.ClusterId,
        "--origin", "openai", "--base-url", origin.BaseUrl, "--origin-model", "stub-model", "--api-key-env", "LLMCACHE_TEST_ORIGIN_KEY",
    ];

    private static string RequestLine(int i) => JsonSerializer.Serialize(new
    {
        type = "content",
        @namespace = "content",
        model = "gpt-4",
        system = "Answer briefly.",
        temperature = 0.2,
        max_tokens = 50,
        messages = new[] { new { role = "user", content = $"Question number {i}?" } },
    });

    [GeneratedRegex(@"^\d+ requests: \d+ warmed, \d+ already cached, \d+ failed in \d+\.\d s\.$", RegexOptions.Multiline)]
    private static partial Regex SummaryPattern();
}
