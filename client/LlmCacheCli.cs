using System.CommandLine;
using OrleansLlmCache.Cli.Commands;
using Spectre.Console;

namespace OrleansLlmCache.Cli;

/// <summary>The <c>llmcache</c> command line: builds the commands and runs one.</summary>
public static class LlmCacheCli
{
    private const int RedirectedWidth = 4096;

    /// <summary>
    /// Runs the command line with <paramref name="args"/>, writing to <paramref name="console"/> (the terminal when null).
    /// <paramref name="cancellationToken"/> asks a running command to stop (the program cancels it on SIGTERM or Ctrl+C).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null, CancellationToken cancellationToken = default)
    {
        if (console is null)
        {
            console = AnsiConsole.Console;

            // Redirected to a file or a pipe, the console would break every line at 80 columns: a script reading the
            // error or the summary line would get a third of it.
            if (!console.Profile.Out.IsTerminal)
            {
                console.Profile.Width = RedirectedWidth;
            }
        }

        var root = new RootCommand("llmcache: the OrleansLlmCache command line. Computes keys, reads and writes entries, and runs the demo. " + ExitCodes.Summary)
        {
            DemoCommand.Create(console),
            KeyCommand.Create(console),
            GetCommand.Create(console),
            SetCommand.Create(console),
            RemoveCommand.Create(console),
            InvalidateCommand.Create(console),
            WarmCommand.Create(console),
            StatsCommand.Create(console),
            CandidatesCommand.Create(console),
            AskCommand.Create(console),
            EvalSemanticCommand.Create(console),
            TrainSemanticCommand.Create(console),
        };
        var parse = root.Parse(args);
        var output = new ConsoleTextWriter(console);
        // Signals are the caller's (Program's StopSignals): System.CommandLine's own handling would end the process two
        // seconds after a SIGTERM, before a warm run could finish its calls in flight and say what it did.
        var configuration = new InvocationConfiguration { Output = output, Error = output, ProcessTerminationTimeout = null };
        var code = await parse.InvokeAsync(configuration, cancellationToken);
        return parse.Errors.Count > 0 ? ExitCodes.Usage : code; // System.CommandLine says 1; a script wants to tell usage apart
    }
}
