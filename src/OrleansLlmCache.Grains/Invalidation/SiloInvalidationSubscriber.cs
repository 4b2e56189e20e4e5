using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Invalidation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>Subscribes this silo's <see cref="DependencyVersionTable"/> to the hub once the silo is active.</summary>
internal sealed class SiloInvalidationSubscriber(
    IGrainFactory grains,
    DependencyVersionTable versions,
    IOptions<InvalidationOptions> options,
    ILogger<SiloInvalidationSubscriber> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private InvalidationSubscription? _subscription;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloInvalidationSubscriber), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = new InvalidationSubscription(grains, versions, TimeProvider.System, logger);
        _subscription.Start(options.Value.RenewInterval);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }
}
