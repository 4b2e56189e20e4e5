using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Policies;

/// <summary>
/// Resolves the policy of a namespace: the configured entry with the longest prefix that matches (so
/// <c>code_analysis</c> covers <c>code_analysis:python</c>), else the seed's defaults for its three prompt types,
/// else none.
/// </summary>
public static class NamespacePolicies
{
    /// <summary>The seed's policies: content generation 24 h, code analysis no expiry, conversation state 1 h.</summary>
    public static IReadOnlyDictionary<string, NamespacePolicy> Defaults { get; } = new Dictionary<string, NamespacePolicy>(StringComparer.Ordinal)
    {
        [PromptTypes.Content] = new() { TimeToLive = TimeSpan.FromHours(24) },
        [PromptTypes.CodeAnalysis] = new() { NoExpiry = true },
        [PromptTypes.Conversation] = new() { TimeToLive = TimeSpan.FromHours(1) },
    };

    /// <summary>The policy for <paramref name="namespace"/>, or <see langword="null"/> when none applies.</summary>
    public static NamespacePolicy? Resolve(LlmCacheOptions options, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Longest(options.Policies, @namespace) ?? Longest(Defaults, @namespace);
    }

    private static NamespacePolicy? Longest(IEnumerable<KeyValuePair<string, NamespacePolicy>> policies, string @namespace)
    {
        NamespacePolicy? best = null;
        var bestLength = -1;
        foreach (var (prefix, policy) in policies)
        {
            var matches = @namespace == prefix || @namespace.StartsWith(prefix + ":", StringComparison.Ordinal);
            if (matches && prefix.Length > bestLength)
            {
                (best, bestLength) = (policy, prefix.Length);
            }
        }

        return best;
    }
}
