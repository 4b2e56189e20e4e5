using Microsoft.Extensions.Hosting;

namespace OrleansLlmCache.Cli.Cluster;

/// <summary>
/// The lifetime of a host inside a command: it listens to no signals. The default console lifetime takes SIGTERM and
/// Ctrl+C for itself (stops the host and keeps the process alive), which left a running command without its cluster
/// client and deaf to the signal; the command line handles signals instead (<see cref="StopSignals"/>).
/// </summary>
internal sealed class CommandHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
