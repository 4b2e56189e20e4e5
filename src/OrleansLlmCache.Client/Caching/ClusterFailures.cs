using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Abstractions.Storage;

namespace OrleansLlmCache.Client.Caching;

/// <summary>How the read path tells a cluster failure from the caller's own doing, and how it describes one.</summary>
internal static class ClusterFailures
{
    // Everything but the caller's own cancellation, the caller's own bad input, the origin's lateness (the hard
    // timeout, which the cluster answered in time to tell) and a refused access key is the cluster failing us. A
    // refusal is the app server's configuration: failing open would hide it behind origin calls.
    public static bool IsClusterFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not (ArgumentException or LlmCacheFactoryTimeoutException or LlmCacheAccessDeniedException)
        && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    public static bool IsTimeout(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    // A defect is worth its stack trace; an outage is not, once per call.
    public static bool IsExpected(Exception exception) =>
        exception is TimeoutException or LlmCacheStorageException || IsRuntimeType(exception.GetType());

    // Say what to fix ("LlmCacheStorageException: Failed to connect to 10.0.0.5:5432 (Connection refused)"), not which
    // Orleans wrapper carried it: the first exception in the chain that is not the runtime's own, plus the root cause.
    public static string Describe(Exception exception)
    {
        var chain = new List<Exception>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            chain.Add(e);
        }

        var cause = chain.FirstOrDefault(e => !IsRuntimeType(e.GetType())) ?? exception;
        var text = $"{cause.GetType().Name}: {FirstLine(cause.Message)}";
        var root = chain[^1];
        if (root != cause)
        {
            text += $" ({FirstLine(root.Message)})";
        }

        return cause == exception ? text : $"{text}, reported as {exception.GetType().Name}";
    }

    // What an LlmCacheUnavailableException carries as its cause: the storage failure when there was one (the silo's
    // message around it is Orleans' own wrapping), else the failure itself.
    public static Exception Cause(Exception exception) => LlmCacheStorageException.Find(exception) ?? exception;

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    // Orleans' own types ("Orleans", "Orleans.Runtime"), not the project's ("OrleansLlmCache.Abstractions.Storage").
    private static bool IsRuntimeType(Type type) =>
        type.Namespace is { } ns && (ns == "Orleans" || ns.StartsWith("Orleans.", StringComparison.Ordinal));
}
