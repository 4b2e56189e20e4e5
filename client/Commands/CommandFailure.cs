namespace OrleansLlmCache.Cli.Commands;

/// <summary>A failure the user can fix: printed as one line, exit code 1, no stack trace.</summary>
internal sealed class CommandFailure(string message) : Exception(message);
