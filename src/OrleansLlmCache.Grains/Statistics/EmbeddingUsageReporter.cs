using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Core.Statistics;

namespace OrleansLlmCache.Grains.Statistics;

/// <summary>
/// Sends this silo's embedding work, priced at <see cref="SiloStatisticsOptions.EmbeddingPricePerMillionTokens"/>, to the
/// statistics grain every <see cref="SiloStatisticsOptions.ReportInterval"/> while the silo is active, and once more as it stops.
/// </summary>
internal sealed partial class EmbeddingUsageReporter(
    EmbeddingUsageCollector collector,
    IGrainFactory grains,
    IOptions<SiloStatisticsOptions> options,
    ILogger<EmbeddingUsageReporter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly OneAtATimeSender _sender = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe<EmbeddingUsageReporter>(ServiceLifecycleStage.Active, StartAsync, StopAsync);

    /// <summary>
    /// Sends what has been recorded now; returns whether there was anything. When it returns, everything recorded before
    /// the call has reached the statistics grain (or was given up on), including a report the timer had in flight.
    /// </summary>
    public Task<bool> FlushAsync() => _sender.SendAsync(SendAsync);

    private async Task<bool> SendAsync()
    {
        var usage = collector.Drain();
        if (usage.Count == 0)
        {
            return false;
        }

        var price = options.Value.EmbeddingPricePerMillionTokens;
        var rows = usage.Select(u => new EmbeddingUsageRow(u.Namespace, u.Texts, u.Tokens, u.Tokens * price / 1_000_000m)).ToList();
        try
        {
            await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).ReportEmbeddingAsync(rows).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Best effort, as the app servers' reports: a lost report understates the cost of a few seconds.
            ReportLost(logger, ex.Message);
        }

        return true;
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = RunAsync();
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            // The last report is worth a wait, but not past the silo's shutdown deadline (a report in flight can take
            // up to 5 s to give up on a lost statistics grain).
            await _loop.WaitAsync(cancellationToken);
            await FlushAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ReportLost(logger, "the silo's shutdown deadline passed before the last report was sent");
        }
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(options.Value.ReportInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1701, LogLevel.Debug, "An embedding usage report could not be sent ({Reason}); its counts are dropped.")]
    private static partial void ReportLost(ILogger logger, string reason);
}
