namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>Prompts joined into groups by the pairs they appear in (union-find over their case-folded text), and a
/// deterministic, balanced assignment of groups to folds.</summary>
internal sealed class TextGroups
{
    private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);

    public void Join(string a, string b)
    {
        var rootA = Find(Key(a));
        var rootB = Find(Key(b));
        if (rootA != rootB)
        {
            _parent[string.CompareOrdinal(rootA, rootB) < 0 ? rootB : rootA] = string.CompareOrdinal(rootA, rootB) < 0 ? rootA : rootB;
        }
    }

    public bool SameGroup(string a, string b) => Find(Key(a)) == Find(Key(b));

    /// <summary>Groups ordered by a hash of their root and dealt out in turn, so the folds are balanced and do not depend on
    /// the order of the files; a text outside every group gets the fold of its own hash.</summary>
    public Func<string, int> AssignFolds(int folds)
    {
        var roots = _parent.Keys.ToList().Select(Find).Distinct(StringComparer.Ordinal)
            .OrderBy(Hash).ThenBy(r => r, StringComparer.Ordinal)
            .ToList();
        var fold = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < roots.Count; i++)
        {
            fold[roots[i]] = i % folds;
        }

        return text => fold.TryGetValue(Find(Key(text)), out var f) ? f : (int)(Hash(Key(text)) % (uint)folds);
    }

    private string Find(string key)
    {
        if (!_parent.TryGetValue(key, out var parent))
        {
            _parent[key] = key;
            return key;
        }

        if (parent == key)
        {
            return key;
        }

        var root = Find(parent);
        _parent[key] = root;
        return root;
    }

    private static string Key(string text) => text.Trim().ToLowerInvariant();

    private static uint Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
