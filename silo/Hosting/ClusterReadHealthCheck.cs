using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansLlmCache.Abstractions.Entries;

namespace OrleansLlmCache.Silo.Hosting;

/// <summary>
/// Ready only once this silo has answered reads through the cluster: entry grains of probe keys spread over the grain
/// directory, read from here. After a full restart the membership table still lists the silos that went as active
/// until they are declared dead, and a read whose directory entry lives on one of them does not answer: an active silo
/// that cannot serve yet must not take traffic. Once the probe has answered, the check passes for good: later storage
/// trouble is the PostgreSQL storage check's to report, as degraded.
/// </summary>
internal sealed class ClusterReadHealthCheck(IGrainFactory grains) : IHealthCheck
{
    // Enough keys that every silo's share of the directory gets at least one, with three silos or thirty.
    private const int ProbeKeys = 32;

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private volatile bool _answered;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_answered)
        {
            return HealthCheckResult.Healthy("reads through the cluster answer");
        }

        var probes = Enumerable.Range(0, ProbeKeys).Select(ProbeAsync).ToList();
        var failures = (await Task.WhenAll(probes)).Where(f => f is not null).ToList();
        if (failures.Count > 0)
        {
            return HealthCheckResult.Unhealthy(
                $"{failures.Count} of {ProbeKeys} probe reads through the cluster did not answer within {ProbeTimeout.TotalSeconds:0} s ({failures[0]}): entries would miss; waiting for the cluster to settle");
        }

        _answered = true;
        return HealthCheckResult.Healthy("reads through the cluster answer");
    }

    private async Task<string?> ProbeAsync(int i)
    {
        try
        {
            await grains.GetGrain<ICacheEntryGrain>($"llmcache-health/readiness/probe-{i}").ReadAsync().AsTask().WaitAsync(ProbeTimeout);
            return null;
        }
        catch (Exception ex) when (IsStorageError(ex))
        {
            // The read reached its entry grain: routing works, and storage is reported on its own (degraded).
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"{ex.GetType().Name}: {ex.Message.Split('\n')[0].Trim()}";
        }
    }

    // Storage failures reach grain callers as LlmCacheStorageException; the driver's own type where one slips past.
    private static bool IsStorageError(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OrleansLlmCache.Abstractions.Storage.LlmCacheStorageException || e.GetType().Namespace?.StartsWith("Npgsql", StringComparison.Ordinal) == true)
            {
                return true;
            }
        }

        return false;
    }
}
