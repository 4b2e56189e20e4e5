using System.Diagnostics;
using System.Net.Sockets;

namespace OrleansLlmCache.Testing;

/// <summary>A real redis-server on 127.0.0.1 and a free port, stopped by PID when disposed.</summary>
public sealed class LocalRedis : IAsyncDisposable
{
    private Process _process;

    private LocalRedis(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The operating-system process id (benchmarks read its CPU time).</summary>
    public int ProcessId => _process.Id;

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<LocalRedis> StartAsync()
    {
        var port = FreePorts.Next();
        return new LocalRedis(await StartProcessAsync(port), port);
    }

    /// <summary>
    /// SIGKILL and a new empty server on the same port: what a Redis without persistence looks like after a restart,
    /// or a failover to an empty replica.
    /// </summary>
    public async Task RestartEmptyAsync()
    {
        await StopProcessAsync();
        _process = await StartProcessAsync(Port);
    }

    private static async Task<Process> StartProcessAsync(int port)
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: apt-get install -y redis-server (tests/run-tests.sh does it).", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return process;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopProcessAsync();

    private async Task StopProcessAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
