using System.Diagnostics;
using OrleansLlmCache.Tests.Deploy;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>
/// Runs a script of this repository with an interpreter from PATH (node, python3), as a customer's service would run
/// its own code against the gateway. A missing interpreter fails the test with what to install, never skips it.
/// </summary>
internal static class ScriptRunner
{
    public static async Task<Result> RunAsync(string interpreter, string script, IReadOnlyDictionary<string, string> environment, string installHint)
    {
        var executable = Find(interpreter)
            ?? throw new InvalidOperationException($"{interpreter} is not on PATH, so this test cannot run: {installHint}");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryFiles.Root,
        };
        start.ArgumentList.Add(RepositoryFiles.PathOf(script));
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{interpreter} {script} did not finish within 2 minutes; it printed: {await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    /// <summary>How the script ended and what it printed.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit code {ExitCode}; stdout: {Output}; stderr: {Error}";
    }
}
