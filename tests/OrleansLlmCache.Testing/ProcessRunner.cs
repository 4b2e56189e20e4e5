using System.Diagnostics;

namespace OrleansLlmCache.Testing;

/// <summary>Runs a short command to completion and fails with its output when it fails.</summary>
public static class ProcessRunner
{
    public static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var text = await output + await error;
        return process.ExitCode == 0
            ? text
            : throw new InvalidOperationException($"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {text}");
    }

    /// <summary>The command line that runs <paramref name="fileName"/> as the postgres user when we are root (initdb refuses root).</summary>
    public static (string FileName, string[] Arguments) AsPostgresUser(string fileName, params string[] arguments) =>
        Environment.UserName == "root" ? ("runuser", ["-u", "postgres", "--", fileName, .. arguments]) : (fileName, arguments);
}
