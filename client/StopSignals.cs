using System.Runtime.InteropServices;

namespace OrleansLlmCache.Cli;

/// <summary>
/// Turns the first SIGTERM or Ctrl+C (SIGINT) into a cancelled token, so a long command (<c>warm</c>,
/// <c>candidates --every</c>) stops starting work, finishes what is in flight and prints what it did. A second
/// signal is left to the runtime, which ends the process at once.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    private StopSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Received { get; private set; }

    /// <summary>The shell's code for a process ended by <see cref="Received"/>: 128 + the signal number.</summary>
    public int ExitCode => Received == PosixSignal.SIGINT ? 130 : 143;

    public static StopSignals Listen() => new();

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Exchange(ref _received, 1) != 0)
        {
            return; // the second one: the default action ends the process
        }

        Received = context.Signal;
        context.Cancel = true;
        _ = _stop.CancelAsync(); // marks the token cancelled before returning; its callbacks run on the thread pool
        Console.Error.WriteLine(
            $"llmcache: {(context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : "SIGTERM")} received: stopping after the work in flight (send it again to stop at once).");
    }
}
