using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Client.Chat;

namespace OrleansLlmCache.Client.Warming;

/// <summary>
/// Warms the cluster's warming candidates every <see cref="CandidateWarmingOptions.Interval"/> on this app server, which
/// owns the origin (added by <c>AddOrleansLlmCacheWarming</c>). A failing request, or a whole run that fails because the
/// cluster is away, is logged and the schedule goes on.
/// </summary>
public sealed partial class ScheduledCandidateWarmer(
    CandidateWarmer warmer,
    IOptions<CandidateWarmingOptions> options,
    TimeProvider time,
    ILogger<ScheduledCandidateWarmer> logger) : BackgroundService
{
    /// <summary>Raised after each run that reached the cluster, with what it did.</summary>
    public event EventHandler<WarmReport>? RunCompleted;

    /// <summary>The report of the latest run that reached the cluster, or <see langword="null"/> before the first.</summary>
    public WarmReport? LastReport { get; private set; }

    private PeriodicTimer? _timer;

    /// <inheritdoc/>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Started here, not in ExecuteAsync (which runs on a thread of its own): the first run is one interval after start.
        _timer = new PeriodicTimer(options.Value.Interval, time);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("StartAsync creates the timer.");
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            WarmReport report;
            try
            {
                report = await warmer.WarmAsync(options.Value, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                RunFailed(logger, ex, options.Value.Interval);
                continue;
            }

            LastReport = report;
            RunDone(logger, report.Total, report.Warmed, report.AlreadyCached, report.Failures.Count, report.Elapsed.TotalSeconds);
            foreach (var (_, error) in report.Failures.Take(5))
            {
                CandidateFailed(logger, error);
            }

            try
            {
                RunCompleted?.Invoke(this, report);
            }
            catch (Exception ex)
            {
                // A subscriber's failure must not end the schedule, nor (through the hosted service) the app server.
                HandlerFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(2201, LogLevel.Information, "Warming run: {Examined} candidates examined, {Warmed} warmed, {Cached} already cached, {Failed} failed in {Seconds:0.0} s.")]
    private static partial void RunDone(ILogger logger, int examined, int warmed, int cached, int failed, double seconds);

    [LoggerMessage(2202, LogLevel.Warning, "A warming candidate failed: {Error}")]
    private static partial void CandidateFailed(ILogger logger, string error);

    [LoggerMessage(2204, LogLevel.Warning, "A RunCompleted handler failed; warming goes on.")]
    private static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(2203, LogLevel.Warning, "A warming run failed; the next one is in {Interval}.")]
    private static partial void RunFailed(ILogger logger, Exception exception, TimeSpan interval);
}
