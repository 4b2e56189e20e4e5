using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// A HybridCache factory that counts its calls and holds each one until the test releases it, so that concurrent
/// callers are all on their way before any value exists.
/// </summary>
public sealed class GatedFactory
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public async ValueTask<Guid> CreateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        await _release.Task.WaitAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return Guid.NewGuid();
    }

    /// <summary>Waits until the factory has been called once: some caller holds the key's single-flight lease.</summary>
    public Task WaitForFirstCallAsync() =>
        Eventually.WaitUntilAsync(() => Calls >= 1, TimeSpan.FromSeconds(30), () => "no caller reached the factory within 30 s");

    public void Release() => _release.TrySetResult();
}
