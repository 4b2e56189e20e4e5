using System.Diagnostics;
using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// One running call of a factory, which may outlive the caller that started it: its cancellation token follows the
/// caller's until <see cref="LetGo"/>, and from then on only the background bound (<see cref="LlmCacheOptions.BackgroundFactoryTimeout"/>,
/// counted from the start). A caller that leaves (a soft or hard timeout) must not cancel an origin call whose answer is
/// still to be stored, and a caller's token may well be cancelled once its request is over.
/// </summary>
internal sealed class OriginCall
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private CancellationTokenRegistration _caller;

    private OriginCall()
    {
    }

    /// <summary>The origin's answer, checked (<see cref="CachedResponse.Validate"/>), or its failure.</summary>
    public Task<CachedResponse> Answer { get; private set; } = null!;

    /// <summary>How long the call has run.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>Starts <paramref name="factory"/>, cancelled with <paramref name="caller"/> until it is let go.</summary>
    public static OriginCall Start(Func<CancellationToken, ValueTask<CachedResponse>> factory, CancellationToken caller)
    {
        var call = new OriginCall();
        call._caller = caller.UnsafeRegister(static state => ((OriginCall)state!).Cancel(), call);
        call.Answer = call.RunAsync(factory);
        return call;
    }

    /// <summary>Starts <paramref name="factory"/> with nobody waiting for it (an eager refresh), bounded by <paramref name="bound"/>.</summary>
    public static OriginCall StartAlone(Func<CancellationToken, ValueTask<CachedResponse>> factory, TimeSpan bound)
    {
        var call = Start(factory, CancellationToken.None);
        call.LetGo(bound);
        return call;
    }

    /// <summary>
    /// Whether the answer (or the failure) came within <paramref name="timeout"/>; does not throw for a failure, which
    /// awaiting <see cref="Answer"/> then does.
    /// </summary>
    public async Task<bool> SettlesWithinAsync(TimeSpan timeout)
    {
        if (!Answer.IsCompleted && timeout > TimeSpan.Zero)
        {
            using var delay = new CancellationTokenSource();
            await Task.WhenAny(Answer, Task.Delay(timeout, delay.Token));
            await delay.CancelAsync();
        }

        return Answer.IsCompleted;
    }

    /// <summary>
    /// The caller leaves: its cancellation no longer reaches the call, which is cancelled instead once it has run for
    /// <paramref name="bound"/> in all.
    /// </summary>
    public void LetGo(TimeSpan bound)
    {
        _caller.Unregister();
        var left = bound - Elapsed;
        try
        {
            _cancel.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile: nothing left to bound.
        }
    }

    private void Cancel()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile.
        }
    }

    private async Task<CachedResponse> RunAsync(Func<CancellationToken, ValueTask<CachedResponse>> factory)
    {
        try
        {
            var response = await factory(_cancel.Token);
            response.Validate();
            return response;
        }
        finally
        {
            // Unregister, not Dispose: disposing a registration waits for its callback, which may be the one running this.
            _caller.Unregister();
            _cancel.Dispose();
        }
    }
}
