using Microsoft.Extensions.Logging;

namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>The client's log messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Warning, "The LLM cache could not be reached for {Operation} on {Key}; answering without the cache. {Reason}")]
    public static partial void CacheUnavailable(ILogger logger, string operation, string key, string reason, Exception? exception);

    [LoggerMessage(2002, LogLevel.Warning, "The origin call for {Key} failed; nothing was cached and the single-flight lease was released.")]
    public static partial void OriginFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(2003, LogLevel.Debug, "Not caching the chat response for {Key}: {Reason}.")]
    public static partial void NotCached(ILogger logger, string key, string reason);

    [LoggerMessage(2004, LogLevel.Debug, "The batched read of {Key} failed; asking the entry for its lease instead. {Reason}")]
    public static partial void BatchedReadFailed(ILogger logger, string key, string reason);

    [LoggerMessage(2005, LogLevel.Warning, "The chat response for {Key} was returned but not cached: {Reason}.")]
    public static partial void ResponseNotStored(ILogger logger, string key, string reason);

    [LoggerMessage(2006, LogLevel.Warning, "The cached chat response for {Key} was not served and the origin was asked instead: {Reason}.")]
    public static partial void StoredResponseUnreadable(ILogger logger, string key, string reason);

    [LoggerMessage(2007, LogLevel.Debug, "The origin's answer for {Key} was returned but not stored: {Reason}; the single-flight lease was released.")]
    public static partial void OriginAnswerNotStored(ILogger logger, string key, string reason);

    [LoggerMessage(2008, LogLevel.Warning, "The background refresh of {Key} failed; the cached answer is served until it expires.")]
    public static partial void RefreshFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(2009, LogLevel.Warning, "The origin call for {Key} outlasted the hard timeout of {Timeout}; the caller was told so, and the call goes on in the background, its answer stored when it comes.")]
    public static partial void FactoryTimedOut(ILogger logger, string key, TimeSpan timeout);

    [LoggerMessage(2010, LogLevel.Debug, "The cluster cannot be reached: {Key} was answered from this app server's L1 copy, marked stale.")]
    public static partial void L1ServedStale(ILogger logger, string key);
}
