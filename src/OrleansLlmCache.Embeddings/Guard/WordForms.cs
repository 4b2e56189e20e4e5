namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Every form in which a prompt's words can be met: as written, singular, without hyphens and dots, and two
/// words joined. Answers whether another prompt's word occurs in this one.</summary>
internal sealed class WordForms
{
    private readonly IReadOnlyList<PromptWord> _words;
    private readonly HashSet<string> _forms = new(StringComparer.Ordinal);

    public WordForms(IReadOnlyList<PromptWord> words)
    {
        _words = words;
        foreach (var word in words)
        {
            _forms.Add(word.Key);
            _forms.Add(word.Stem);
            _forms.Add(Flat(word.Key));
        }

        // Compounds written apart or together: "data frame" / "DataFrame", "re-encoding" / "reencoding".
        for (var i = 0; i + 1 < words.Count; i++)
        {
            _forms.Add(Flat(words[i].Key + words[i + 1].Key));
            _forms.Add(Flat(words[i].Key + words[i + 1].Stem));
        }
    }

    /// <summary>Whether <paramref name="word"/> occurs here, allowing for case, plural, possessive, compounds,
    /// derivation ("Pythonic" / "Python") and qualified names ("datasets.Metric" / "Metric").</summary>
    public bool Contains(PromptWord word)
    {
        if (_forms.Contains(word.Key) || _forms.Contains(word.Stem) || _forms.Contains(Flat(word.Key)))
        {
            return true;
        }

        var dot = word.Key.LastIndexOf('.');
        if (dot > 0 && dot < word.Key.Length - 1 && _forms.Contains(word.Key[(dot + 1)..]))
        {
            return true;
        }

        return _words.Any(other => IsDerivedFrom(other.Key, word.Key) || IsDerivedFrom(word.Key, other.Key));
    }

    private static bool IsDerivedFrom(string derived, string root) =>
        root.Length >= 3 && derived.Length > root.Length && derived.StartsWith(root, StringComparison.Ordinal)
        && GuardLexicon.DerivationalEndings.Contains(derived[root.Length..]);

    private static string Flat(string key) => key.Replace("-", string.Empty, StringComparison.Ordinal)
        .Replace(".", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal)
        .Replace("/", string.Empty, StringComparison.Ordinal).Replace("'", string.Empty, StringComparison.Ordinal);
}
