using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>
/// The real <c>llmcache</c> program in its own process (as built in its own project's output), for what only a process
/// shows: signals, standard input, and what the runtime and hosts write to the console.
/// </summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process) => _process = process;

    // The program's own build output (client/bin/{configuration}/{framework}), not the copy beside the tests: the tests
    // run on the ASP.NET Core shared framework (the gateway's tests host it), so the build leaves out of their folder
    // the assemblies that framework carries, such as Microsoft.Extensions.Hosting, which the program, a plain console
    // app, needs beside it.
    private static string OutputDirectory { get; } = FindOutputDirectory();

    /// <summary>What the program wrote to standard output so far.</summary>
    public string Output => Read(_output);

    /// <summary>What the program wrote to standard error so far.</summary>
    public string Error => Read(_error);

    /// <summary>Standard input, for commands that read it; close it to send end-of-file.</summary>
    public StreamWriter Input => _process.StandardInput;

    public static CliProcess Start(params string[] args) => Start(args, new Dictionary<string, string>());

    public static CliProcess Start(string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = OutputDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(OutputDirectory, "llmcache.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment.Remove("LLMCACHE_REDIS");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var handle = new CliProcess(process);
        process.OutputDataReceived += (_, e) => handle.OnLine(handle._output, handle._outputClosed, e.Data);
        process.ErrorDataReceived += (_, e) => handle.OnLine(handle._error, handle._errorClosed, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return handle;
    }

    /// <summary>Runs the program to its end with <paramref name="input"/> (if any) on standard input.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string? input, params string[] args)
    {
        await using var cli = Start(args);
        if (input is not null)
        {
            await cli.Input.WriteAsync(input);
        }

        cli.Input.Close();
        var exitCode = await cli.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exitCode, cli.Output, cli.Error);
    }

    /// <summary>Sends SIGTERM, as Kubernetes or <c>kill</c> does.</summary>
    public Task TerminateAsync() =>
        ProcessRunner.RunAsync("kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));

    /// <summary>Waits for the program to end by itself and for its output to be read; fails with its output past <paramref name="within"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        try
        {
            await Task.WhenAll(_process.WaitForExitAsync(), _outputClosed.Task, _errorClosed.Task).WaitAsync(within);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"llmcache did not exit within {within.TotalSeconds:0} s. Output:\n{Output}\nError:\n{Error}");
        }

        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnLine(StringBuilder target, TaskCompletionSource closed, string? line)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (target)
        {
            target.Append(line).Append('\n');
        }
    }

    private static string Read(StringBuilder source)
    {
        lock (source)
        {
            return source.ToString();
        }
    }

    private static string FindOutputDirectory()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        for (var directory = testOutput; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansLlmCache.sln")))
            {
                var output = Path.Combine(directory.FullName, "client", "bin", configuration, framework);
                return File.Exists(Path.Combine(output, "llmcache.dll"))
                    ? output
                    : throw new InvalidOperationException($"llmcache is not built at {output}: build the solution ({configuration}) first.");
            }
        }

        throw new InvalidOperationException($"No OrleansLlmCache.sln above {testOutput.FullName}.");
    }
}
