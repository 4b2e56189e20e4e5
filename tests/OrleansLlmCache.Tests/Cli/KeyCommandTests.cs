using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cli;

public sealed class KeyCommandTests
{
    [Fact]
    public async Task Key_PrintsThePythonSeedKey()
    {
        // From python-key-vectors.json: json.dumps of these five fields, sha256, hexdigest.
        var (exitCode, output) = await CliRunner.RunAsync(
            "key", "--prompt", "Explain quantum computing", "--model", "gpt-4", "--temperature", "0.7", "--max-tokens", "500", "--system", "You are a helpful assistant.");
        Assert.Equal(0, exitCode);
        Assert.Equal(new PromptRequest("Explain quantum computing", "gpt-4", 0.7, 500, "You are a helpful assistant.").ComputeHash(), output.Trim());
    }

    [Fact]
    public async Task Key_WithoutSystemPrompt_MatchesPythonDefault()
    {
        // create_cache_key("Explain quantum computing", "gpt-4", 0.7, 500), system_prompt left at its default "".
        var (_, output) = await CliRunner.RunAsync("key", "--prompt", "Explain quantum computing", "--model", "gpt-4", "--temperature", "0.7", "--max-tokens", "500");
        Assert.Equal("459a41f471ec08f67d7c1b558a2345c3c4ae67b674967a6f5f016db1c5e947bb", output.Trim());
    }

    [Theory]
    [InlineData("--temperature", "-1", "temperature")]
    [InlineData("--max-tokens", "-5", "max_tokens")]
    [InlineData("--model", "", "model")]
    public async Task Key_BadField_ExitsWithOneLineNamingIt(string option, string value, string field)
    {
        var args = new List<string> { "key", "--prompt", "p", "--model", "gpt-4", "--temperature", "0.5", "--max-tokens", "5" };
        var at = args.IndexOf(option);
        args[at + 1] = value;
        var (exitCode, output) = await CliRunner.RunAsync([.. args]);
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.StartsWith("error:", output.Trim(), StringComparison.Ordinal);
        Assert.Contains(field, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task Key_MissingPrompt_IsAParseErrorNamingIt()
    {
        var (exitCode, output) = await CliRunner.RunAsync("key", "--model", "gpt-4");
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.StartsWith("error:", output, StringComparison.Ordinal);
        Assert.Contains("--prompt", output, StringComparison.Ordinal);
        Assert.Contains("Run 'llmcache key --help'", output, StringComparison.Ordinal);
    }
}
