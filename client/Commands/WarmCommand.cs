using System.CommandLine;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Cli.Demo;
using OrleansLlmCache.Cli.Origins;
using OrleansLlmCache.Client.Chat;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache warm FILE.jsonl</c>: pre-computes a batch of requests into a running cluster.</summary>
internal static class WarmCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var origin = new OriginOptions();
        var file = new Argument<string>("file") { Description = "A JSONL file of requests, one per line, in the demo workload's form (client/Demo/workload.jsonl)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Origin calls in flight at once.", DefaultValueFactory = _ => 8 };
        var command = new Command("warm", "Pre-compute a batch of requests into the cache: already cached requests are skipped, failures are collected without stopping the batch.")
        {
            file, concurrency, common.Tenant,
        };
        common.AddClusterTo(command);
        origin.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var workload = Workload.LoadFile(parse.GetValue(file)!);
            var inFlight = parse.GetValue(concurrency);
            if (inFlight is < 1 or > 256)
            {
                throw new CommandFailure($"--concurrency must be between 1 and 256; got {inFlight}.");
            }

            var (originClient, modelOverride) = origin.Create(parse);
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var requests = workload.Select(r =>
            {
                var (messages, options) = DemoRunner.ToChat(r, modelOverride);
                return new ChatWarmRequest(r.Namespace, messages, options);
            }).ToList();
            var warmer = new ChatCacheWarmer(connection.Cache, originClient, parse.GetValue(common.Tenant));
            WarmReport? report = null;
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("warming", maxValue: requests.Count);
                    report = await warmer.WarmAsync(requests, inFlight, () => task.Increment(1), ct);
                });
            console.MarkupLineInterpolated($"{report!.Total} requests: {report.Warmed} warmed, {report.AlreadyCached} already cached, {report.Failures.Count} failed in {report.Elapsed.TotalSeconds:0.0} s.");
            foreach (var (index, error) in report.Failures.Take(20))
            {
                console.MarkupLineInterpolated($"  line {index + 1}: {error}");
            }

            return report.Failures.Count == 0 ? 0 : 3;
        }));
        return command;
    }
}
