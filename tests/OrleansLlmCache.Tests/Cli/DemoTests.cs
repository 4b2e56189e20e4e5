using System.Text.Json;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Cli.Demo;
using OrleansLlmCache.Cli.Origins;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cli;

[Trait("Category", "Integration")]
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_OnTheEmbeddedSilo_CallsTheOriginOncePerDistinctRequest_AndReportsSavings()
    {
        var workload = Workload.LoadBundled();
        Assert.InRange(workload.Count, 200, 1000);
        Assert.Equal(["code", "content", "conversation"], workload.Select(r => r.Type).Distinct().Order());
        var distinct = workload.Select(r => JsonSerializer.Serialize(r)).Distinct().Count();
        Assert.True(distinct < workload.Count, "the bundled workload repeats requests, as real traffic does");

        var (exitCode, output) = await CliRunner.RunAsync("demo", "--latency-scale", "0.01", "--concurrency", "16");

        Assert.True(exitCode == 0, output);
        Assert.Contains($"origin calls counted by the origin │ {distinct,0}", Squash(output), StringComparison.Ordinal);
        Assert.Contains("hit rate", output, StringComparison.Ordinal);
        Assert.Contains("Without the cache this workload would have cost", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_InFrontOfAnOpenAiCompatibleEndpoint_SendsEachDistinctRequestOnce()
    {
        await using var stub = new StubOpenAiServer();
        Environment.SetEnvironmentVariable("LLMCACHE_TEST_API_KEY", "sk-test-123");
        var first = Workload.LoadBundled().Take(40).ToList();

        // The model is replaced by --origin-model, so requests that differ only in model become the same request.
        var distinct = first.Select(r => JsonSerializer.Serialize(r with { Model = "stub-model" })).Distinct().Count();

        var (exitCode, output) = await CliRunner.RunAsync(
            "demo", "--origin", "openai", "--base-url", stub.BaseUrl, "--origin-model", "stub-model", "--api-key-env", "LLMCACHE_TEST_API_KEY", "--requests", "40");

        Assert.True(exitCode == 0, output);
        Assert.Equal(distinct, stub.Requests.Count);
        Assert.All(stub.Requests, r =>
        {
            Assert.Equal("/v1/chat/completions", r.Path);
            Assert.Equal("Bearer sk-test-123", r.Authorization);
            Assert.Equal("stub-model", (string?)r.Body["model"]);
        });
        Assert.Contains("stub-model", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_OpenAiWithoutKey_SaysWhichVariableToSet()
    {
        var (exitCode, output) = await CliRunner.RunAsync("demo", "--origin", "openai", "--base-url", "http://127.0.0.1:9/v1", "--origin-model", "m", "--api-key-env", "LLMCACHE_UNSET_" + Guid.NewGuid().ToString("N"));
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("Set the endpoint's API key in the environment variable LLMCACHE_UNSET_", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulatedOrigin_HasRealisticLatencyAndTokens()
    {
        var origin = new SimulatedOrigin(latencyScale: 0);
        var response = await origin.GetResponseAsync([new(Microsoft.Extensions.AI.ChatRole.User, "Write a short blog intro about feature flags.")]);
        Assert.InRange(response.Usage!.OutputTokenCount!.Value, 20, 600);
        Assert.True(response.Usage.InputTokenCount > 0);
        Assert.Equal(1, origin.Calls);
    }

    [Fact]
    public void WorkloadRequest_EmptySystemPrompt_IsTheSameChatAsNone()
    {
        // "No system prompt" is "" everywhere: an empty one must not add an empty system message (another key).
        WorkloadMessage[] messages = [new("user", "What is your uptime SLA?")];
        var none = DemoRunner.ToChat(new WorkloadRequest("conversation", "support", "gpt-4", null, 0.2f, 300, messages), null);
        var empty = DemoRunner.ToChat(new WorkloadRequest("conversation", "support", "gpt-4", "", 0.2f, 300, messages), null);

        Assert.Single(empty.Messages);
        Assert.Equal(
            ChatCacheKey.TryCompute(none.Messages, none.Options, null, out _),
            ChatCacheKey.TryCompute(empty.Messages, empty.Options, null, out _));
    }

    // Table cells are padded; collapse runs of spaces so the assertion reads the row, not the layout.
    private static string Squash(string text) => System.Text.RegularExpressions.Regex.Replace(text, " {2,}", " ");
}
