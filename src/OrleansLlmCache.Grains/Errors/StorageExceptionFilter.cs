using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Storage;

namespace OrleansLlmCache.Grains.Errors;

/// <summary>
/// Turns a storage failure thrown by any grain call into an <see cref="LlmCacheStorageException"/> with the
/// database's message, and logs it in one line: the caller, often an app server without the database driver, gets the
/// cause instead of a type it cannot load, and the silo's log gets one line per failure instead of a stack trace.
/// </summary>
internal sealed partial class StorageExceptionFilter(ILogger<StorageExceptionFilter> logger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        // Most calls complete at once: no async state machine for them.
        var call = context.Invoke();
        return call.IsCompletedSuccessfully ? Task.CompletedTask : AwaitAsync(call, context);
    }

    private async Task AwaitAsync(Task call, IIncomingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception ex) when (StorageFailures.Translate(ex) is { } translated && !ReferenceEquals(translated, ex))
        {
            // Logged where it happened: a call that passes on another grain's (already translated) failure says nothing.
            Log.StorageFailed(logger, context.TargetId.ToString(), context.MethodName, translated.SqlState ?? "-", translated.Message);
            throw translated;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1501, LogLevel.Warning, "Storage failed for {Grain} in {Method} (SQLSTATE {SqlState}): {Reason}")]
        public static partial void StorageFailed(ILogger logger, string grain, string method, string sqlState, string reason);
    }
}
