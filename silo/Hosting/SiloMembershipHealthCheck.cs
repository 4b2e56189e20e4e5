using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansLlmCache.Silo.Hosting;

/// <summary>
/// Ready only while this silo is Active in the cluster's membership: not while it joins (grains cannot be placed on
/// it yet) and not once it shuts down (Kubernetes stops sending it new traffic while it hands its grains over).
/// </summary>
internal sealed class SiloMembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails localSilo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {localSilo.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {localSilo.SiloAddress} is {status}, not active"));
    }
}
