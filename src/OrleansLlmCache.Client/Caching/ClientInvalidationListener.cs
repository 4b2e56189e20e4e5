using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Invalidation;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// Subscribes this app server to the cluster's invalidation broadcasts (renewing every second) and applies them to its
/// <see cref="DependencyVersionTable"/> and <see cref="L1Cache"/>. Without a live subscription L1 is not served.
/// </summary>
internal sealed class ClientInvalidationListener(
    IGrainFactory grains,
    DependencyVersionTable versions,
    L1Cache l1,
    TimeProvider time,
    IOptions<LlmCacheOptions> options,
    ILogger<ClientInvalidationListener> logger) : IHostedService, IAsyncDisposable
{
    private InvalidationSubscription? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = new InvalidationSubscription(grains, versions, time, logger, l1.Evict, l1.Clear);
        _subscription.Start(options.Value.InvalidationRenewInterval);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            var subscription = _subscription;
            _subscription = null;
            await subscription.DisposeAsync();
        }
    }
}
