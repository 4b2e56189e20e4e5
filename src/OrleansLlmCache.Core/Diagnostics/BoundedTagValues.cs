using System.Collections.Concurrent;

namespace OrleansLlmCache.Core.Diagnostics;

/// <summary>
/// Keeps a metric attribute's cardinality bounded: the first <paramref name="limit"/> distinct values are reported as
/// themselves, every later one as <see cref="Other"/>. Namespaces and models are chosen by applications, and a namespace
/// built from user input (one per customer, say) would otherwise make a time series per value in every backend.
/// </summary>
internal sealed class BoundedTagValues(int limit)
{
    /// <summary>What a value beyond the limit is reported as.</summary>
    public const string Other = "_other";

    private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.Ordinal);

    /// <summary><paramref name="value"/>, or <see cref="Other"/> once <c>limit</c> other values have been seen.</summary>
    public string Of(string value)
    {
        if (_seen.TryGetValue(value, out var known))
        {
            return known;
        }

        // Racing callers may admit a few values past the limit: the bound is about orders of magnitude, not exactness.
        return _seen.Count < limit ? _seen.GetOrAdd(value, value) : Other;
    }
}
