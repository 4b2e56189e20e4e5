using System.Data.Common;
using Orleans.Storage;
using OrleansLlmCache.Abstractions.Storage;

namespace OrleansLlmCache.Grains.Errors;

/// <summary>
/// Recognises a failure of grain storage in an exception chain and restates it as an
/// <see cref="LlmCacheStorageException"/> carrying the database's message: the driver's own exception types
/// (Npgsql's) cannot be read by an app server, which references no driver.
/// </summary>
internal static class StorageFailures
{
    // What Orleans' storage bridge says when it wraps a provider's exception (StateStorageBridge.OnError).
    private const string StorageProviderPrefix = "Error from storage provider";

    /// <summary>
    /// The storage failure in <paramref name="exception"/> as an <see cref="LlmCacheStorageException"/> (itself, when it
    /// already is one), or null when the chain holds none.
    /// </summary>
    public static LlmCacheStorageException? Translate(Exception exception)
    {
        var fromStorage = false;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case LlmCacheStorageException translated:
                    return translated;
                case DbException db:
                    return new LlmCacheStorageException(Describe(db), db.SqlState);
                case InconsistentStateException conflict:
                    return new LlmCacheStorageException(FirstLine(conflict.Message), sqlState: null);
                case OrleansException when e.Message.StartsWith(StorageProviderPrefix, StringComparison.Ordinal):
                    fromStorage = true; // the cause is further in: a timeout, a serializer's error
                    break;
                case TimeoutException or OperationCanceledException when fromStorage:
                    return new LlmCacheStorageException("The storage did not answer in time: " + FirstLine(e.Message), sqlState: null);
                default:
                    if (IsDriverType(e.GetType()))
                    {
                        return new LlmCacheStorageException(Describe(e), sqlState: null);
                    }

                    break;
            }
        }

        return fromStorage ? new LlmCacheStorageException(FirstLine(Innermost(exception).Message), sqlState: null) : null;
    }

    /// <summary>Whether <paramref name="type"/> is one of the database driver's own exceptions, which clients cannot load.</summary>
    public static bool IsDriverType(Type type) =>
        typeof(Exception).IsAssignableFrom(type) && type.Namespace is { } ns && (ns == "Npgsql" || ns.StartsWith("Npgsql.", StringComparison.Ordinal));

    // "Failed to connect to 127.0.0.1:5432 (Connection refused)": the driver's message, and the root cause when it
    // says more (a socket error under a connection failure).
    private static string Describe(Exception cause)
    {
        var text = FirstLine(cause.Message);
        var root = Innermost(cause);
        return root == cause || text.Contains(FirstLine(root.Message), StringComparison.Ordinal) ? text : $"{text} ({FirstLine(root.Message)})";
    }

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
