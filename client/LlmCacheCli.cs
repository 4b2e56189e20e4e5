using System.CommandLine;
using OrleansLlmCache.Cli.Commands;
using Spectre.Console;

namespace OrleansLlmCache.Cli;

/// <summary>The <c>llmcache</c> command line: builds the commands and runs one.</summary>
public static class LlmCacheCli
{
    /// <summary>Runs the command line with <paramref name="args"/>, writing to <paramref name="console"/> (the terminal when null).</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null, CancellationToken cancellationToken = default)
    {
        console ??= AnsiConsole.Console;
        var root = new RootCommand("llmcache: the OrleansLlmCache command line. Computes keys, reads and writes entries, and runs the demo.")
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
        };
        var parse = root.Parse(args);
        var output = new ConsoleTextWriter(console);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, cancellationToken);
    }
}
