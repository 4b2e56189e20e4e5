using OrleansLlmCache.Cli;
using Spectre.Console;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>Runs the <c>llmcache</c> command line in-process and captures what a person would read.</summary>
public static class CliRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        var exitCode = await LlmCacheCli.RunAsync(args, console);
        return (exitCode, writer.ToString());
    }
}
