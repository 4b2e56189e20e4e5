using Microsoft.Extensions.Logging;

namespace OrleansLlmCache.Client.Adapters;

/// <summary>What the HybridCache and IDistributedCache adapters log, each with an event id of its own (24xx).</summary>
internal static partial class AdapterLog
{
    [LoggerMessage(2401, LogLevel.Warning, "The entry {Key} holds {ContentType}, not a value this adapter wrote; it is not served and is left as it is.")]
    public static partial void ForeignEntry(ILogger logger, string key, string contentType);

    [LoggerMessage(2402, LogLevel.Warning, "The cached value of {Key} could not be read as {Type}; the factory is asked and its value replaces the entry.")]
    public static partial void UnreadableValue(ILogger logger, string key, string type, Exception exception);

    [LoggerMessage(2403, LogLevel.Warning, "The value for {Key} was returned but not stored: {Reason}")]
    public static partial void NotStored(ILogger logger, string key, string reason);

    [LoggerMessage(2404, LogLevel.Warning, "Removing by tag {Tag} is not complete: {Failures} Repeating it is safe.")]
    public static partial void IncompleteRemoval(ILogger logger, string tag, string failures);
}
