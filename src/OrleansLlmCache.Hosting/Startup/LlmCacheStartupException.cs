using Microsoft.Extensions.Options;

namespace OrleansLlmCache.Hosting.Startup;

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

    /// <summary>
    /// The reason the silo cannot start that an operator can fix, found in <paramref name="exception"/> or its inner
    /// exceptions: the first <see cref="LlmCacheStartupException"/>, or else every options validation failure (settings
    /// checked by <c>ValidateOnStart</c>, several option types at once arrive as an <see cref="AggregateException"/>)
    /// as one. <see langword="null"/> when the exception is none of these: a bug, which keeps its stack trace.
    /// </summary>
    public static LlmCacheStartupException? Find(Exception? exception)
    {
        if (FindStartup(exception) is { } startup)
        {
            return startup;
        }

        var failures = new List<string>();
        CollectValidationFailures(exception, failures);
        return failures.Count == 0
            ? null
            : new LlmCacheStartupException("The configuration is not valid: " + string.Join(" ", failures.Distinct(StringComparer.Ordinal)), exception!);
    }

    private static LlmCacheStartupException? FindStartup(Exception? exception)
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
                    if (FindStartup(inner) is { } found)
                    {
                        return found;
                    }
                }
            }

            exception = exception.InnerException;
        }

        return null;
    }

    private static void CollectValidationFailures(Exception? exception, List<string> failures)
    {
        switch (exception)
        {
            case null:
                return;
            case OptionsValidationException validation:
                failures.AddRange(validation.Failures);
                return;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    CollectValidationFailures(inner, failures);
                }

                return;
            default:
                CollectValidationFailures(exception.InnerException, failures);
                return;
        }
    }
}
