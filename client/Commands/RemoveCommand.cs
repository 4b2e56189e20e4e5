using System.CommandLine;
using OrleansLlmCache.Cli.Cluster;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache remove</c>: removes one entry from a running cluster.</summary>
internal static class RemoveCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var command = new Command("remove", "Remove a cached entry from a running cluster.");
        common.AddClusterTo(command);
        common.AddKeyTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var key = common.KeyOf(parse);
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var removed = await connection.Cache.RemoveAsync(key, ct);
            console.MarkupLineInterpolated($"{(removed ? "removed" : "nothing to remove at")} {key}");
            return 0;
        }));
        return command;
    }
}
