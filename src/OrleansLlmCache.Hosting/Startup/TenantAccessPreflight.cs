using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Grains.Access;

namespace OrleansLlmCache.Hosting.Startup;

/// <summary>
/// Says at start-up whether tenant access is enforced, and refuses to start a silo that would be open beyond
/// loopback: without access keys, any client that reaches the gateway port reads, writes and invalidates every
/// tenant's entries, which is the embedded default's business on 127.0.0.1 and nobody's on a pod address.
/// </summary>
internal sealed partial class TenantAccessPreflight(
    IPAddress listenAddress,
    int gatewayPort,
    IOptions<LlmCacheAccessOptions> options,
    ILogger<TenantAccessPreflight> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var access = options.Value;
        if (access.IsEnforced)
        {
            var tenants = access.Keys.SelectMany(k => k.Tenants).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            Enforced(logger, access.Keys.Count, access.Keys.Count(k => k.Operator), tenants.Count == 0 ? "(operator keys only)" : string.Join(", ", tenants));
        }
        else if (IPAddress.IsLoopback(listenAddress))
        {
            NotEnforcedOnLoopback(logger, listenAddress, gatewayPort);
        }
        else if (access.AllowOpen)
        {
            Open(logger, listenAddress, gatewayPort);
        }
        else
        {
            throw new LlmCacheStartupException(
                $"{LlmCacheAccessOptions.SectionName}:Keys is empty while the silo listens on {listenAddress} (gateway port {gatewayPort}): any client that reaches that port would read, write and invalidate every tenant's entries. " +
                $"Configure access keys ({LlmCacheAccessOptions.SectionName}:Keys:0:Sha256 with :Tenants:0, or :Operator), or set {LlmCacheAccessOptions.SectionName}:AllowOpen to true to run open on a network that only trusted app servers reach.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1911, LogLevel.Information, "Tenant access is enforced: {Keys} access key(s), {Operators} of them operator keys, for tenants {Tenants}. Every call from a client needs a key that reaches its tenant.")]
    private static partial void Enforced(ILogger logger, int keys, int operators, string tenants);

    [LoggerMessage(1912, LogLevel.Information, "Tenant access is not enforced (no LlmCache:Access:Keys): any client that reaches the gateway port {Address}:{GatewayPort} reaches every tenant. The silo listens on loopback only.")]
    private static partial void NotEnforcedOnLoopback(ILogger logger, IPAddress address, int gatewayPort);

    [LoggerMessage(1913, LogLevel.Warning, "Tenant access is not enforced (no LlmCache:Access:Keys, and LlmCache:Access:AllowOpen is true) while the silo listens on {Address}: every client that reaches gateway port {GatewayPort} reads, writes and invalidates every tenant's entries.")]
    private static partial void Open(ILogger logger, IPAddress address, int gatewayPort);
}
