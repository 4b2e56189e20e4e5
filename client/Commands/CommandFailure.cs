namespace OrleansLlmCache.Cli.Commands;

/// <summary>
/// A failure the user can fix: printed as one line, no stack trace, with <paramref name="exitCode"/> (a usage error unless
/// said otherwise; see <see cref="ExitCodes"/>).
/// </summary>
internal sealed class CommandFailure(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
