namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>
/// The article's <c>invalidate_pattern</c>, over namespaces: <c>content:*</c> (every namespace starting with
/// <c>content:</c>), <c>support</c> (exactly that namespace), or <c>*</c> (every namespace of the tenant). The namespace
/// registry is the index, so no key is ever scanned. Anything else, such as <c>*:python</c> or <c>con?ent</c>, is refused.
/// </summary>
public static class InvalidationPattern
{
    /// <summary>Whether <paramref name="namespace"/> matches <paramref name="pattern"/>.</summary>
    /// <exception cref="ArgumentException">The pattern is not one of the supported forms.</exception>
    public static bool Matches(string pattern, string @namespace)
    {
        var prefix = Validate(pattern);
        return prefix is null ? @namespace == pattern : @namespace.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>Throws unless the pattern is supported; returns its prefix, or <see langword="null"/> for an exact namespace.</summary>
    public static string? Validate(string pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            throw new ArgumentException("The pattern must not be empty; use a namespace, a prefix ending in * such as content:*, or *.", nameof(pattern));
        }

        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        if (pattern.Contains('?', StringComparison.Ordinal) || pattern.Contains('[', StringComparison.Ordinal) || (star >= 0 && star != pattern.Length - 1))
        {
            throw new ArgumentException(
                $"The pattern '{pattern}' is not supported: use a namespace (support), a namespace prefix ending in a single * (content:*, code_analysis:python:*), or * for all.",
                nameof(pattern));
        }

        var prefix = star < 0 ? null : pattern[..^1];
        if (prefix is { Length: > 0 })
        {
            foreach (var c in prefix)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-'))
                {
                    throw new ArgumentException($"The pattern '{pattern}' contains '{c}'; namespaces use only letters, digits and _ . : -", nameof(pattern));
                }
            }
        }
        else if (prefix is null)
        {
            Keys.CacheKey.ValidatePart(pattern, "pattern", LlmCacheLimits.MaxNamespaceLength);
        }

        return prefix;
    }
}
