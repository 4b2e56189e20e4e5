using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// A get-or-create call waited for the origin longer than its hard timeout (<see cref="LlmCacheOptions.FactoryHardTimeout"/>,
/// or the request's own) and had no stale answer to give instead. The origin call itself goes on in the background, and
/// its answer is stored when it comes: asking again later may well hit.
/// </summary>
public sealed class LlmCacheFactoryTimeoutException : TimeoutException
{
    /// <summary>Creates the exception with a message of its own.</summary>
    public LlmCacheFactoryTimeoutException()
        : base("The origin did not answer within the hard timeout.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public LlmCacheFactoryTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public LlmCacheFactoryTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal LlmCacheFactoryTimeoutException(CacheKey key, TimeSpan timeout, bool ownCall)
        : base(ownCall
            ? $"The origin did not answer {key} within the hard timeout of {timeout} (FactoryHardTimeout) and there was no stale answer to give; its call goes on in the background and its answer is stored when it comes."
            : $"Another caller's origin call for {key} did not answer within this request's hard timeout of {timeout} (FactoryHardTimeout) and there was no stale answer to give; that call goes on and its answer is stored when it comes.")
    {
        Key = key;
        Timeout = timeout;
    }

    /// <summary>The key whose origin call timed out, when the cache raised it.</summary>
    public CacheKey? Key { get; }

    /// <summary>The hard timeout that passed.</summary>
    public TimeSpan Timeout { get; }
}
