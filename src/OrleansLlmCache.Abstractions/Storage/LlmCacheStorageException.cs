namespace OrleansLlmCache.Abstractions.Storage;

/// <summary>
/// The cluster's storage (PostgreSQL) failed a read or write of grain state: the database is down, a table is missing
/// or locked, a query timed out, or another silo wrote the same state first. The message is the database's own.
/// </summary>
/// <remarks>
/// Silos throw this in place of the storage driver's exception, so that an app server, which has no database driver
/// of its own, can read the cause instead of failing to load the driver's exception type.
/// </remarks>
[GenerateSerializer, Alias("llmcache.LlmCacheStorageException")]
public sealed class LlmCacheStorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlmCacheStorageException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LlmCacheStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public LlmCacheStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the database's message and its SQLSTATE code.</summary>
    public LlmCacheStorageException(string message, string? sqlState)
        : base(message) => SqlState = sqlState;

    /// <summary>
    /// The database's SQLSTATE code (for example <c>42P01</c>, an undefined table, or <c>55P03</c>, a lock not
    /// available), or null when the failure came with none (a connection that could not be opened, a timeout).
    /// </summary>
    [Id(0)]
    public string? SqlState { get; init; }

    /// <summary>The first <see cref="LlmCacheStorageException"/> in <paramref name="exception"/> or its inner exceptions.</summary>
    public static LlmCacheStorageException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is LlmCacheStorageException storage)
            {
                return storage;
            }
        }

        return null;
    }
}
