namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// The cluster could not be reached (or answered with an error) for an explicit write or removal. Reads and
/// get-or-create never throw it: they fail open.
/// </summary>
/// <remarks>
/// When the cluster's storage failed, the inner exception is an <see cref="Abstractions.Storage.LlmCacheStorageException"/> with
/// the database's message (and SQLSTATE, where it gave one).
/// </remarks>
public sealed class LlmCacheUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlmCacheUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LlmCacheUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public LlmCacheUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
