using System.CommandLine;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Cli.Output;
using OrleansLlmCache.Cli.Demo;
using OrleansLlmCache.Cli.Origins;
using OrleansLlmCache.Client.Chat;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary>
/// <c>llmcache warm FILE.jsonl</c>: pre-computes a batch of requests into a running cluster. The file is read as the
/// calls go (never whole), and a stop signal ends the batch after the calls in flight, with a summary of what was done.
/// </summary>
internal static class WarmCommand
{
    private const int FailuresShown = 20;

    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var origin = new OriginOptions();
        var file = new Argument<string>("file") { Description = "A JSONL file of requests, one per line, in the demo workload's form (client/Demo/workload.jsonl)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Origin calls in flight at once.", DefaultValueFactory = _ => 8 };
        var json = JsonOutput.CreateOption();
        var command = new Command(
            "warm",
            "Pre-compute a batch of requests into the cache: already cached requests are skipped, failures (and lines that are not requests) are collected without stopping the batch (exit code 1 when any failed). SIGTERM or Ctrl+C stops it after the calls in flight.")
        {
            file, concurrency, common.Tenant, json,
        };
        common.AddClusterTo(command);
        origin.AddTo(command);

        // ct is cancelled by the first SIGTERM or Ctrl+C: no further line is read and no further call is started.
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var path = parse.GetValue(file)!;
            Workload.RequireFile(path); // before connecting: the file is read only as the calls go

            var inFlight = parse.GetValue(concurrency);
            if (inFlight is < 1 or > 256)
            {
                throw new CommandFailure($"--concurrency must be between 1 and 256; got {inFlight}.");
            }

            var (originClient, modelOverride) = origin.Create(parse);
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);

            // The warmer takes one request at a time from this source (never two at once), so plain lists do.
            var badLines = new List<(int Line, string Error)>();
            var lineOfRequest = new List<int>();
            var requests = Workload.StreamFileAsync(path, (line, error) => badLines.Add((line, error)), ct).Select(item =>
            {
                lineOfRequest.Add(item.LineNumber);
                var (messages, options) = DemoRunner.ToChat(item.Request, modelOverride);
                return new ChatWarmRequest(item.Request.Namespace, messages, options);
            });
            var warmer = new ChatCacheWarmer(connection.Cache, originClient, parse.GetValue(common.Tenant));
            var asJson = parse.GetValue(json);
            var report = asJson
                ? await warmer.WarmAsync(requests, inFlight, onDone: null, CancellationToken.None)
                : await WarmWithProgressAsync(console, warmer, requests, inFlight);

            var failures = report.Failures.Select(f => (Line: lineOfRequest[f.Index], f.Error)).Concat(badLines).OrderBy(f => f.Line).ToList();
            if (asJson)
            {
                JsonOutput.Write(console, new
                {
                    total = report.Total,
                    warmed = report.Warmed,
                    alreadyCached = report.AlreadyCached,
                    failed = failures.Count,
                    elapsedSeconds = report.Elapsed.TotalSeconds,
                    stoppedBySignal = ct.IsCancellationRequested,
                    failures = failures.Select(f => new { line = f.Line, error = f.Error }),
                });
                return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
            }

            console.MarkupLineInterpolated(
                $"{report.Total} requests: {report.Warmed} warmed, {report.AlreadyCached} already cached, {failures.Count} failed in {report.Elapsed.TotalSeconds:0.0} s.");
            if (ct.IsCancellationRequested)
            {
                var last = lineOfRequest.Count > 0 ? lineOfRequest[^1] : 0;
                console.MarkupLineInterpolated(
                    $"Stopped by a signal after line {last} of {path}: the calls in flight were finished, nothing more was read or sent to the origin.");
            }

            foreach (var (line, error) in failures.Take(FailuresShown))
            {
                console.MarkupLineInterpolated($"  line {line}: {error}");
            }

            return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    // Calls in flight are never cancelled by the first signal (they are paid for already); a second one ends the process.
    private static async Task<WarmReport> WarmWithProgressAsync(IAnsiConsole console, ChatCacheWarmer warmer, IAsyncEnumerable<ChatWarmRequest> requests, int concurrency)
    {
        if (!console.Profile.Out.IsTerminal)
        {
            return await warmer.WarmAsync(requests, concurrency, onDone: null, CancellationToken.None);
        }

        WarmReport? report = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                // The total is not known before the file is read to its end.
                var task = progress.AddTask("warming");
                task.IsIndeterminate = true;
                var done = 0;
                report = await warmer.WarmAsync(requests, concurrency, () => task.Description = $"warming: {Interlocked.Increment(ref done):N0} done", CancellationToken.None);
            });
        return report!;
    }
}
