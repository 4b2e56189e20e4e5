using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansLlmCache.Tests.Packaging;

/// <summary>
/// Runs the <c>dotnet</c> CLI (or a program it installed) to completion in a directory of its own, with a time limit,
/// and gives back the exit code and everything it printed.
/// </summary>
internal static class DotnetCommand
{
    /// <summary>The .NET installation running these tests: the <c>dotnet</c> to call, and the root a tool's launcher needs.</summary>
    public static string DotnetRoot { get; } = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProgramAsync(Path.Combine(DotnetRoot, "dotnet"), workingDirectory, timeout, arguments);

    public static async Task<(int ExitCode, string Output)> RunProgramAsync(string program, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ROOT"] = DotnetRoot;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // Build servers outlive the command and would hold the temp directory: each command runs alone.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var reading = Task.WhenAll(CopyAsync(process.StandardOutput, output), CopyAsync(process.StandardError, output));
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{program} {string.Join(' ', arguments)}' did not finish within {timeout}: {Read(output)}");
        }

        await reading;
        return (process.ExitCode, Read(output));
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
