using System.Diagnostics;

namespace OrleansLlmCache.Testing;

/// <summary>
/// The real silo program (<c>silo/</c>, as built by the test command) in its own process, configured through
/// environment variables exactly as an operator would, and killed with SIGKILL when a test says so.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private SiloProcess(Process process, int siloPort, int gatewayPort, int httpPort)
    {
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>The operating-system process id (benchmarks read its CPU time).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The port of the silo's <c>/health</c> and <c>/alive</c> endpoints.</summary>
    public int HttpPort { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string> environment, int? siloPort = null, int? gatewayPort = null, bool waitForStart = true)
    {
        var silo = siloPort ?? FreePorts.Next();
        var gateway = gatewayPort ?? FreePorts.Next();
        var http = FreePorts.Next(); // several silos run on one machine: never the default 8080
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloAssembly)!,
        };
        start.ArgumentList.Add(SiloAssembly);
        start.Environment["LlmCache__Silo__SiloPort"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["LlmCache__Silo__GatewayPort"] = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["LlmCache__Silo__HttpPort"] = http.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["DOTNET_gcServer"] = "0"; // several silos may share two cores
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var handle = new SiloProcess(process, silo, gateway, http);
        process.OutputDataReceived += (_, e) => handle.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => handle.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitForStart)
        {
            await handle.WaitForStartAsync();
        }

        return handle;
    }

    public async Task WaitForStartAsync()
    {
        var exited = _process.WaitForExitAsync();
        var finished = await Task.WhenAny(_started.Task, exited, Task.Delay(TimeSpan.FromSeconds(90)));
        if (finished != _started.Task)
        {
            throw new InvalidOperationException($"The silo did not report that it is up within 90 s (exited: {_process.HasExited}). Output:\n{Output}");
        }
    }

    /// <summary>Waits for the process to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    private bool _disposed;

    public void Kill()
    {
        if (!_disposed && !_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // SIGKILL: no goodbye to the cluster
            _process.WaitForExit();
        }
    }

    /// <summary>
    /// SIGTERM, as Kubernetes stops a pod: the silo leaves the cluster cleanly. Not SIGINT: a process started from a
    /// background job of a non-interactive shell (`cmd &amp;`) inherits SIGINT as ignored, and a silo started that way
    /// was seen to ignore Ctrl+C while it stopped on SIGTERM.
    /// </summary>
    public async Task StopAsync()
    {
        if (!_disposed && !_process.HasExited)
        {
            await ProcessRunner.RunAsync("kill", "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        if (!_disposed)
        {
            _disposed = true;
            _process.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static string SiloAssembly { get; } = FindSiloAssembly();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line.Contains("OrleansLlmCache silo is up", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    // The silo the test command built, in the same configuration as these tests.
    private static string FindSiloAssembly()
    {
        var testBin = AppContext.BaseDirectory; // .../tests/OrleansLlmCache.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(testBin).Parent!.Name;
        var directory = new DirectoryInfo(testBin);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansLlmCache.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException("Cannot find the repository root above " + testBin);
        }

        var candidates = new[] { configuration, "Release", "Debug" }
            .Select(c => Path.Combine(directory.FullName, "silo", "bin", c, "net10.0", "OrleansLlmCache.Silo.dll"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("The silo is not built: run `dotnet build OrleansLlmCache.sln` (tests/run-tests.sh does).");
    }
}
