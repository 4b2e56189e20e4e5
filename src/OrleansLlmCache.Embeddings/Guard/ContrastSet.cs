namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>
/// A closed set of alternatives: choosing a different member changes the answer. Each group holds words or phrases
/// that mean the same member ("javascript", "js", "node.js"); two groups of one set contrast ("javascript" vs "python").
/// </summary>
internal sealed class ContrastSet
{
    /// <param name="reason">The rule a contrast in this set reports.</param>
    /// <param name="category">What the members are, for the explanation ("programming language").</param>
    /// <param name="groups">Groups separated by ';', synonyms by '|', words of a phrase by spaces. A leading '^' means the
    /// word counts only when capitalised ("^may" is the month, not the verb). Entries are lower case, singular.</param>
    public ContrastSet(GuardReason reason, string category, string groups)
    {
        Reason = reason;
        Category = category;
        Groups = [.. groups.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(group => group.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(ContrastPhrase.Parse)
                .ToArray())];
    }

    public GuardReason Reason { get; }

    public string Category { get; }

    public IReadOnlyList<ContrastPhrase[]> Groups { get; }
}
