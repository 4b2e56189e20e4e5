using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>What the operator pages' authentication logs: who failed from where, never a password.</summary>
internal static partial class OperatorLog
{
    [LoggerMessage(2101, LogLevel.Warning, "Failed login to the operator pages as user '{User}' from {Client}: {Reason}.")]
    public static partial void FailedLogin(ILogger logger, string user, string client, string reason);

    [LoggerMessage(2102, LogLevel.Warning, "Login to the operator pages from {Client} refused: {Limit} failed logins within {Window}; it may try again after {RetryAfter}.")]
    public static partial void LockedOut(ILogger logger, string client, int limit, TimeSpan window, TimeSpan retryAfter);

    [LoggerMessage(2103, LogLevel.Warning, "The operator pages' proxy header {Header} came from {Remote}, which is not in LlmCache:Dashboard:TrustedProxy:Networks: refused.")]
    public static partial void UntrustedProxy(ILogger logger, string header, IPAddress? remote);

    [LoggerMessage(2104, LogLevel.Information, "Operator pages (/dashboard, /cache): {How}.")]
    public static partial void Guarded(ILogger logger, string how);

    [LoggerMessage(2105, LogLevel.Warning, "Operator pages (/dashboard, /cache) are open to anyone who reaches HTTP port {Port}: {Why}.")]
    public static partial void Open(ILogger logger, int port, string why);

    /// <summary>
    /// A user name as a caller typed it, fit for one log line: control characters (a forged line break) escaped, and
    /// cut to 64 characters.
    /// </summary>
    public static string Printable(string value)
    {
        var text = new StringBuilder(Math.Min(value.Length, 64));
        foreach (var c in value.Length > 64 ? value[..64] : value)
        {
            text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        }

        return value.Length > 64 ? text.Append('…').ToString() : text.ToString();
    }
}
