using OrleansLlmCache.Cli;
using Spectre.Console;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>Runs the <c>llmcache</c> command line in-process and captures what a person would read.</summary>
public static class CliRunner
{
    /// <summary>Runs with the output redirected (as to a file or a pipe).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunAsync(terminal: false, args);

    /// <summary>Runs with an output that says it is a terminal, as a person at a shell sees it.</summary>
    public static Task<(int ExitCode, string Output)> RunOnTerminalAsync(params string[] args) => RunAsync(terminal: true, args);

    private static async Task<(int ExitCode, string Output)> RunAsync(bool terminal, string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = terminal ? new TerminalOutput(writer) : new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        var exitCode = await LlmCacheCli.RunAsync(args, console);
        return (exitCode, writer.ToString());
    }

    /// <summary>An output that reports itself as a terminal while the test reads what was written.</summary>
    private sealed class TerminalOutput(TextWriter writer) : IAnsiConsoleOutput
    {
        public TextWriter Writer => writer;

        public bool IsTerminal => true;

        public int Width => 200;

        public int Height => 50;

        public void SetEncoding(System.Text.Encoding encoding)
        {
        }
    }
}
