using System.CommandLine;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Cli.Output;
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
        if (parse.Errors.Count > 0)
        {
            // One error line, as for every other usage error, not System.CommandLine's message followed by the whole
            // help: a script reads the first line, and a bad value with a line break or an escape sequence in it can
            // neither split that line nor drive the terminal.
            var errors = string.Join("; ", parse.Errors.Select(e => e.Message));
            TerminalText.WriteError(console, errors);
            console.MarkupLineInterpolated($"Run '{CommandPath(parse.CommandResult.Command)} --help' for the options.");
            return ExitCodes.Usage;
        }

        var output = new ConsoleTextWriter(console);
        // Signals are the caller's (Program's StopSignals): System.CommandLine's own handling would end the process two
        // seconds after a SIGTERM, before a warm run could finish its calls in flight and say what it did.
        var configuration = new InvocationConfiguration { Output = output, Error = output, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    private static string CommandPath(Command command) => command is RootCommand || command.Parents.FirstOrDefault() is not Command parent
        ? "llmcache"
        : $"{CommandPath(parent)} {command.Name}";
}
