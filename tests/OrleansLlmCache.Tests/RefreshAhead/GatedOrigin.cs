using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.RefreshAhead;

/// <summary>An origin that counts its calls and answers none until the test opens it: what a caller got before then did not wait for it.</summary>
internal sealed class GatedOrigin(CachedResponse answer)
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public async ValueTask<CachedResponse> CallAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        await _open.Task.WaitAsync(cancellationToken);
        return answer;
    }

    public void Open() => _open.TrySetResult();

    public Task WaitForCallsAsync(int count) =>
        Eventually.WaitUntilAsync(() => Calls >= count, TimeSpan.FromSeconds(30), () => $"the origin was called {Calls} times, not {count}");
}
