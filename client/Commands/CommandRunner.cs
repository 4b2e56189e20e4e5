using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Cli.Output;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Core.Secrets;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary>
/// Runs a command body and turns the errors a user can cause, and a cluster that cannot be reached, into one clear line
/// (the bad value quoted with its control characters escaped) and an exit code that tells them apart (<see cref="ExitCodes"/>).
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(IAnsiConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception ex) when (ExitCodeOf(ex) is { } code)
        {
            TerminalText.WriteError(console, UserMessage(ex));
            return code;
        }
    }

    private static int? ExitCodeOf(Exception ex) => ex switch
    {
        CommandFailure failure => failure.ExitCode,
        ArgumentException or FormatException => ExitCodes.Usage,
        LlmCacheUnavailableException or LlmCacheAccessDeniedException or TimeoutException or Orleans.Runtime.OrleansException => ExitCodes.Unavailable,
        _ => null,
    };

    // ArgumentException appends " (Parameter 'x')": the message already names the field. A message may quote a
    // connection string (--redis, or a client library's reason): its password is hidden.
    private static string UserMessage(Exception ex)
    {
        var message = SecretRedaction.Redact(ex.Message);
        var cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
