using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Client.Caching;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary>Runs a command body and turns the errors a user can cause into one clear line and exit code 1.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(IAnsiConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception ex) when (ex is CommandFailure or ArgumentException or LlmCacheUnavailableException or LlmCacheAccessDeniedException or FormatException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {UserMessage(ex)}");
            return 1;
        }
    }

    // ArgumentException appends " (Parameter 'x')": the message already names the field.
    private static string UserMessage(Exception ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
