namespace OrleansLlmCache.Grains.Hosting;

/// <summary>
/// The silo cannot start as configured. The message says in one sentence what is wrong and how to fix it; the silo
/// host prints it instead of a stack trace.
/// </summary>
public sealed class LlmCacheStartupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlmCacheStartupException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LlmCacheStartupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public LlmCacheStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The first <see cref="LlmCacheStartupException"/> in <paramref name="exception"/> or its inner exceptions.</summary>
    public static LlmCacheStartupException? Find(Exception? exception)
    {
        while (exception is not null)
        {
            if (exception is LlmCacheStartupException startup)
            {
                return startup;
            }

            if (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (Find(inner) is { } found)
                    {
                        return found;
                    }
                }
            }

            exception = exception.InnerException;
        }

        return null;
    }
}
