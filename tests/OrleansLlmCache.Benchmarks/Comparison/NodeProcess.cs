using System.Diagnostics;
using System.Threading.Channels;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The harness's handle on one app-server process (this program in <c>node</c> mode, see <see cref="NodeServer"/>): a
/// real process with its own memory, runtime and connections, so that cross-process effects (stampedes, stale L1
/// copies, cold starts) are what they would be between two app servers.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _replies = Channel.CreateUnbounded<string>();
    private readonly SemaphoreSlim _oneCommandAtATime = new(1, 1);

    private NodeProcess(Process process) => _process = process;

    /// <summary>From <c>Process.Start</c> to the node's "ready" (runtime start, JIT, connecting to the back ends).</summary>
    public TimeSpan StartedToReady { get; private set; }

    /// <summary>When <c>Process.Start</c> was called (a <see cref="Stopwatch"/> timestamp).</summary>
    public long StartTimestamp { get; private set; }

    /// <param name="setup">How the node stores entries (<see cref="CacheEntrySetup"/>); the comparison's default when null.</param>
    public static async Task<NodeProcess> StartAsync(string kind, string redis, string postgres, string clusterId, CacheEntrySetup? setup = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { typeof(NodeProcess).Assembly.Location, "node", kind, redis, postgres, clusterId }.Concat(setup?.ToArguments() ?? []))
        {
            start.ArgumentList.Add(argument);
        }

        var started = Stopwatch.GetTimestamp();
        var node = new NodeProcess(Process.Start(start)!) { StartTimestamp = started };
        node._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{kind} node] {e.Data}");
            }
        };
        node._process.BeginErrorReadLine();
        _ = Task.Run(node.ReadRepliesAsync);
        var ready = await node.NextReplyAsync(TimeSpan.FromSeconds(90));
        node.StartedToReady = Stopwatch.GetElapsedTime(started);
        return ready == "ready" ? node : throw new InvalidOperationException($"The {kind} node did not start: {ready}");
    }

    /// <summary>Sends one command and returns the words of its answer after "ok".</summary>
    public async Task<string[]> SendAsync(string command, TimeSpan? timeout = null)
    {
        await _oneCommandAtATime.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            var reply = await NextReplyAsync(timeout ?? TimeSpan.FromMinutes(5));
            return reply.StartsWith("ok", StringComparison.Ordinal)
                ? reply.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                : throw new InvalidOperationException($"'{command}' failed in the node: {reply}");
        }
        finally
        {
            _oneCommandAtATime.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("quit");
                await _process.StandardInput.FlushAsync();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (Exception ex) when (ex is TimeoutException or IOException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        _oneCommandAtATime.Dispose();
    }

    private async Task<string> NextReplyAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _replies.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The node gave no answer within {timeout.TotalSeconds:0} s (exited: {_process.HasExited}).");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The node closed its output before it answered (see its stderr above).");
        }
    }

    private async Task ReadRepliesAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("@@ ", StringComparison.Ordinal))
            {
                _replies.Writer.TryWrite(line[3..]);
            }
        }

        _replies.Writer.TryComplete();
    }
}
