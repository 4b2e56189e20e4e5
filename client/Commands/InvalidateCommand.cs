using System.CommandLine;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Cli.Output;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache invalidate</c>: makes every entry of a tag, a dependency or a namespace pattern miss everywhere.</summary>
internal static class InvalidateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var tag = new Option<string?>("--tag") { Description = "Invalidate every entry carrying this tag." };
        var dependency = new Option<string?>("--dependency") { Description = "Bump this dependency's version: every entry built against the old one misses." };
        var pattern = new Option<string?>("--pattern") { Description = "Invalidate namespaces: content:* (prefix), support (one), or * (all)." };
        var json = JsonOutput.CreateOption();
        var command = new Command(
            "invalidate",
            "Invalidate a tag, a dependency or a namespace pattern on every silo and app server, and report how many entries it reached (exit code 1 when only part of it was done: run it again to finish).")
        {
            tag, dependency, pattern, common.Tenant, json,
        };
        common.AddClusterTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var (t, d, p) = (parse.GetValue(tag), parse.GetValue(dependency), parse.GetValue(pattern));
            if (new[] { t, d, p }.Count(x => x is not null) != 1)
            {
                throw new CommandFailure("Say what to invalidate with exactly one of --tag, --dependency or --pattern.");
            }

            if (p is not null)
            {
                InvalidationPattern.Validate(p);
            }

            var tenant = parse.GetValue(common.Tenant)!;
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var result = t is not null ? await connection.Cache.InvalidateTagAsync(t, tenant, ct)
                : d is not null ? await connection.Cache.InvalidateDependencyAsync(d, tenant, ct)
                : await connection.Cache.InvalidatePatternAsync(p!, tenant, ct);
            var what = t is not null ? $"tag {t}" : d is not null ? $"dependency {d}" : $"pattern {p} ({result.Keys.Count} namespace(s))";
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console, new
                {
                    what,
                    keys = result.Keys,
                    entriesReached = result.EntriesReached,
                    subscribersNotified = result.SubscribersNotified,
                    leftOverRemovals = result.LeftOverRemovals,
                    complete = result.IsComplete,
                    failures = result.Failures,
                });
                return result.IsComplete ? ExitCodes.Ok : ExitCodes.Failed;
            }

            var leftOver = result.LeftOverRemovals > 0 ? $"; also removing {result.LeftOverRemovals} rows an earlier invalidation left in storage" : "";
            if (result.IsComplete)
            {
                console.MarkupLineInterpolated($"invalidated {what}: reached {result.EntriesReached} entries; {result.SubscribersNotified} silos and app servers applied it before this returned{leftOver}");
                return 0;
            }

            console.MarkupLineInterpolated($"[yellow]partly invalidated[/] {what}: reached {result.EntriesReached} entries{leftOver}; not done:");
            foreach (var failure in result.Failures)
            {
                console.MarkupLineInterpolated($"  - {failure}");
            }

            console.MarkupLine("Run the same command again to finish it: repeating an invalidation is safe.");
            return ExitCodes.Failed;
        }));
        return command;
    }
}
