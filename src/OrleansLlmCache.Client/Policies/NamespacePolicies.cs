using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Policies;

/// <summary>
/// Resolves the policy of a namespace: the configured entry with the longest prefix that matches (so
/// <c>code_analysis</c> covers <c>code_analysis:python</c>), else the defaults for the article's three prompt types,
/// else none.
/// </summary>
public static class NamespacePolicies
{
    // Declared before Defaults, which hands it out: static fields are initialized in the order they are written.
    private static readonly Dictionary<string, NamespacePolicy> DefaultPolicies = new(StringComparer.Ordinal)
    {
        [PromptTypes.Content] = new() { TimeToLive = TimeSpan.FromHours(24) },
        [PromptTypes.CodeAnalysis] = new() { NoExpiry = true },
        [PromptTypes.Conversation] = new() { TimeToLive = TimeSpan.FromHours(1) },
    };

    /// <summary>The article's policies: content generation 24 h, code analysis no expiry, conversation state 1 h.</summary>
    public static IReadOnlyDictionary<string, NamespacePolicy> Defaults { get; } = DefaultPolicies;

    /// <summary>The policy for <paramref name="namespace"/>, or <see langword="null"/> when none applies.</summary>
    public static NamespacePolicy? Resolve(LlmCacheOptions options, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Longest(options.Policies, @namespace) ?? Longest(DefaultPolicies, @namespace);
    }

    // Runs on every GetOrCreate, hits included: no string built per policy, no boxed enumerator.
    private static NamespacePolicy? Longest(Dictionary<string, NamespacePolicy> policies, string @namespace)
    {
        NamespacePolicy? best = null;
        var bestLength = -1;
        foreach (var (prefix, policy) in policies)
        {
            if (prefix.Length > bestLength && Covers(prefix, @namespace))
            {
                (best, bestLength) = (policy, prefix.Length);
            }
        }

        return best;
    }

    // The namespace itself, or one below it: "code_analysis" covers "code_analysis:python", not "code_analysisx".
    private static bool Covers(string prefix, string @namespace) =>
        @namespace.StartsWith(prefix, StringComparison.Ordinal)
        && (@namespace.Length == prefix.Length || @namespace[prefix.Length] == ':');
}
