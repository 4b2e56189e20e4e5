using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Core.Statistics;

namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>Sends this app server's statistics to the cluster every few seconds, and once more when it stops.</summary>
internal sealed partial class StatisticsReporter(IGrainFactory grains, ClusterStatisticsCollector collector, ILogger<StatisticsReporter> logger) : BackgroundService
{
    /// <summary>How often reports are sent.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly OneAtATimeSender _sender = new();

    /// <summary>
    /// Sends what has been recorded now; returns whether there was anything. When it returns, everything recorded before
    /// the call has reached the statistics grain (or was given up on), including a report the timer had in flight.
    /// </summary>
    public Task<bool> FlushAsync() => _sender.SendAsync(SendAsync);

    private async Task<bool> SendAsync()
    {
        StatisticsReport? report;
        try
        {
            report = collector.Drain();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An exception out of the background service would stop the app server's host: statistics never may.
            ReportLost(logger, ex.Message);
            return false;
        }

        if (report is null)
        {
            return false;
        }

        try
        {
            await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).ReportAsync(report).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Statistics are best effort: a report lost while the cluster is away costs numbers, not answers.
            ReportLost(logger, ex.Message);
        }

        return true;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await FlushAsync();
        }
    }

    [LoggerMessage(2101, LogLevel.Debug, "A statistics report could not be sent ({Reason}); its counts are dropped.")]
    private static partial void ReportLost(ILogger logger, string reason);
}
