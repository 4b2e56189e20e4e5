using System.CommandLine;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Cli.Demo;
using OrleansLlmCache.Cli.Origins;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache demo</c>: replays a realistic workload through the cache and reports what it saved.</summary>
internal static class DemoCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var origin = new OriginOptions();
        var join = new Option<bool>("--join") { Description = "Use the running cluster at --gateway instead of an embedded silo." };
        var requests = new Option<int?>("--requests") { Description = "Replay only the first N requests of the workload." };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once, as on a busy app server.", DefaultValueFactory = _ => 16 };
        var workloadFile = new Option<string?>("--workload") { Description = "A JSONL workload file (default: the bundled one of 320 requests)." };
        var command = new Command(
            "demo",
            "Replay a workload of content-generation, code-analysis and support-conversation requests through the cache in front of an origin LLM, then report hit rate, latency, tokens and dollars saved.")
        {
            join, requests, concurrency, workloadFile,
        };
        common.AddClusterTo(command);
        origin.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var workload = parse.GetValue(workloadFile) is { } path ? Workload.LoadFile(path) : Workload.LoadBundled();
            if (parse.GetValue(requests) is { } count)
            {
                workload = count > 0 ? workload.Take(count).ToList() : throw new CommandFailure($"--requests must be positive; got {count}.");
            }

            var inFlight = parse.GetValue(concurrency);
            if (inFlight is < 1 or > 1024)
            {
                throw new CommandFailure($"--concurrency must be between 1 and 1024; got {inFlight}.");
            }

            var (originClient, modelOverride) = origin.Create(parse);
            console.MarkupLine(parse.GetValue(join) ? "Connecting to the cluster..." : "Starting an embedded silo (localhost clustering, entries in memory)...");
            await using var connection = parse.GetValue(join)
                ? await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct)
                : await CacheConnection.StartEmbeddedAsync(null, ct);
            console.MarkupLineInterpolated($"Replaying {workload.Count} requests, {inFlight} at a time, through {connection.Description}.");

            var runner = new DemoRunner(connection.Cache, originClient, modelOverride, connection.Description);
            DemoReport? report = null;
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("requests", maxValue: workload.Count);
                    report = await runner.RunAsync(workload, inFlight, () => task.Increment(1), ct);
                });
            DemoReportRenderer.Render(console, report!);
            return 0;
        }));
        return command;
    }
}
