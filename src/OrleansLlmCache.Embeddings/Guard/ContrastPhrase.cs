namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>One entry of a <see cref="ContrastSet"/> group: a word or phrase, lower case.</summary>
internal sealed record ContrastPhrase(string[] Words, bool MustBeCapitalised)
{
    public static ContrastPhrase Parse(string entry)
    {
        var capital = entry.StartsWith('^');
        return new ContrastPhrase(entry.TrimStart('^').Split(' ', StringSplitOptions.RemoveEmptyEntries), capital);
    }
}
