namespace OrleansLlmCache.Gateway.Upstreams;

/// <summary>
/// A pattern of <c>LlmCache:Gateway:Upstreams:N:Models</c>: an exact model name, or a prefix ending in <c>*</c>. Compared
/// case-sensitively (ordinal), as providers name their models and as the cache key keeps the model.
/// </summary>
internal static class ModelPattern
{
    /// <summary>True when <paramref name="pattern"/> names <paramref name="model"/>.</summary>
    public static bool Matches(string pattern, string model) =>
        pattern.EndsWith('*')
            ? model.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(pattern, model, StringComparison.Ordinal);

    /// <summary>
    /// True when every model <paramref name="later"/> names is already named by <paramref name="earlier"/>: the first
    /// match wins, so a later pattern covered by an earlier one would never route anything.
    /// </summary>
    public static bool Covers(string earlier, string later) =>
        earlier.EndsWith('*')
            ? later.StartsWith(earlier[..^1], StringComparison.Ordinal)
            : string.Equals(earlier, later, StringComparison.Ordinal);

    /// <summary>What is wrong with <paramref name="pattern"/> as a pattern, or <see langword="null"/>.</summary>
    public static string? Problem(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "is empty: name a model (llama3.1) or a prefix ending in * (claude-*)";
        }

        if (pattern.Any(char.IsWhiteSpace))
        {
            return $"is '{pattern}', which has white space: model names have none";
        }

        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        return star >= 0 && star != pattern.Length - 1
            ? $"is '{pattern}': * may only end a pattern, as in claude-*"
            : null;
    }
}
