using System.CommandLine;
using System.Globalization;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Cli.Output;
using OrleansLlmCache.Cli.Origins;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Client.Warming;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary>
/// <c>llmcache candidates</c>: keys that keep missing, worth warming (the article's <c>CacheAnalytics</c>); with
/// <c>--warm</c> their recorded requests are sent to the origin again, once or <c>--every</c> interval.
/// </summary>
internal static class CandidatesCommand
{
    private const string RecordingSetting = $"{LlmCacheOptions.SectionName}:{nameof(LlmCacheOptions.RecordMissedRequestsForWarming)}";

    // What an operator changes when candidates have no request to warm: by default app servers record none.
    private static readonly string TurnRecordingOn =
        $"App servers record the request of a miss through the chat middleware only with {RecordingSetting}=true "
        + $"(environment variable {RecordingSetting.Replace(":", "__", StringComparison.Ordinal)}=true; AddOrleansLlmCacheWarming sets it): "
        + "turn it on where the middleware runs, and misses from then on can be warmed.";

    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var origin = new OriginOptions();
        var threshold = new Option<long>("--threshold") { Description = "Keys that missed at least this many times.", DefaultValueFactory = _ => 3 };
        var limit = new Option<int>("--limit") { Description = "List at most this many keys.", DefaultValueFactory = _ => 50 };
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's keys (default: every tenant)." };
        var warm = new Option<bool>("--warm")
        {
            Description = $"Warm the candidates: send each recorded request to the origin again (asking the model it named) and cache the answer; cached ones are skipped. App servers record requests only with {RecordingSetting} on.",
        };
        var maxPerRun = new Option<int>("--max-per-run") { Description = "With --warm: the most origin calls a run makes.", DefaultValueFactory = _ => 20 };
        var concurrency = new Option<int>("--concurrency") { Description = "With --warm: origin calls in flight at once.", DefaultValueFactory = _ => 4 };
        var every = new Option<string?>("--every") { Description = "With --warm: warm again every interval (90s, 15m, 1h or hh:mm:ss) until Ctrl+C." };
        var json = JsonOutput.CreateOption();
        var command = new Command("candidates", "List warming candidates: keys that missed at least --threshold times across the cluster, most missed first; --warm warms them (exit code 1 when any failed).")
        {
            threshold, limit, tenant, warm, maxPerRun, concurrency, every, json,
        };
        common.AddClusterTo(command);
        origin.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var interval = parse.GetValue(every) is { } text
                ? CommonOptions.ParseTimeToLive(text) is { } span && span >= TimeSpan.FromSeconds(1)
                    ? span
                    : throw new CommandFailure($"--every '{text}' must be a duration of at least a second, such as 15m.")
                : (TimeSpan?)null;
            if (interval is not null && !parse.GetValue(warm))
            {
                throw new CommandFailure("--every repeats warming: add --warm.");
            }

            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var grains = (IGrainFactory)connection.Services.GetService(typeof(IGrainFactory))!;
            var statistics = grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key);
            if (!parse.GetValue(warm))
            {
                var query = new CandidateQuery(parse.GetValue(threshold), parse.GetValue(limit), parse.GetValue(tenant));
                var candidates = await statistics.GetCandidatesAsync(query);
                if (parse.GetValue(json))
                {
                    JsonOutput.Write(console, new
                    {
                        threshold = query.Threshold,
                        candidates = candidates.Select(c => new { key = c.Key, misses = c.Misses, requestRecorded = c.Request is not null }),
                    });
                    return ExitCodes.Ok;
                }

                List(console, candidates, query.Threshold);
                return ExitCodes.Ok;
            }

            var options = new CandidateWarmingOptions
            {
                Threshold = parse.GetValue(threshold),
                MaxPerRun = parse.GetValue(maxPerRun),
                Concurrency = parse.GetValue(concurrency),
                Tenant = parse.GetValue(tenant),
            };
            if (options.MaxPerRun < 1 || options.Concurrency is < 1 or > 256)
            {
                throw new CommandFailure("--max-per-run must be at least 1 and --concurrency between 1 and 256.");
            }

            var warmer = new CandidateWarmer(connection.Cache, grains, origin.Create(parse).Client);
            var failed = false;
            using var timer = interval is { } period ? new PeriodicTimer(period) : null;
            do
            {
                var report = await warmer.WarmAsync(options, ct);
                if (parse.GetValue(json))
                {
                    // One document a run: a scheduled run (--every) writes one per line of its own.
                    JsonOutput.Write(console, new
                    {
                        at = DateTimeOffset.Now,
                        total = report.Total,
                        warmed = report.Warmed,
                        alreadyCached = report.AlreadyCached,
                        failed = report.Failures.Count,
                        elapsedSeconds = report.Elapsed.TotalSeconds,
                        failures = report.Failures.Select(f => f.Error),
                    });
                }
                else
                {
                    Summarise(console, report);
                }

                failed |= report.Failures.Count > 0;
                if (report.Total == 0)
                {
                    // No candidate had a recorded request: say whether keys did miss often enough, and why they cannot be warmed.
                    var unrecorded = await statistics.GetCandidatesAsync(new CandidateQuery(options.Threshold, int.MaxValue, options.Tenant));
                    if (unrecorded.Count > 0)
                    {
                        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                            $"Nothing to warm: {unrecorded.Count:N0} {(unrecorded.Count == 1 ? "key" : "keys")} missed {options.Threshold} times or more, but no request was recorded for any.");
                        console.MarkupLineInterpolated($"{TurnRecordingOn}");
                    }
                }
            }
            while (timer is not null && await Tick(timer, ct));

            return failed ? ExitCodes.Failed : ExitCodes.Ok;
        }));
        return command;
    }

    private static void List(IAnsiConsole console, IReadOnlyList<WarmingCandidate> candidates, long threshold)
    {
        if (candidates.Count == 0)
        {
            console.MarkupLineInterpolated($"no key missed {threshold} times or more");
            return;
        }

        var table = new Table().AddColumn("key (tenant/namespace/id)").AddColumn(new TableColumn("misses").RightAligned()).AddColumn("warmable");
        foreach (var candidate in candidates)
        {
            table.AddRow(
                Markup.Escape(candidate.Key),
                candidate.Misses.ToString("N0", CultureInfo.InvariantCulture),
                candidate.Request is null ? "no (no request recorded)" : "yes");
        }

        console.Write(table);
        if (candidates.Any(c => c.Request is null))
        {
            console.MarkupLineInterpolated($"{TurnRecordingOn}");
            console.WriteLine("Misses of a direct GetOrCreateAsync, or of a middleware with tags, dependencies or a lifetime of its own, are never recorded.");
        }
    }

    private static void Summarise(IAnsiConsole console, WarmReport report)
    {
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"{DateTimeOffset.Now:HH:mm:ss} {report.Total} candidates: {report.Warmed} warmed, {report.AlreadyCached} already cached, {report.Failures.Count} failed in {report.Elapsed.TotalSeconds:0.0} s.");
        foreach (var (_, error) in report.Failures.Take(20))
        {
            console.MarkupLineInterpolated($"  {error}");
        }
    }

    // Ctrl+C ends a scheduled run cleanly: the runs so far decide the exit code.
    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
