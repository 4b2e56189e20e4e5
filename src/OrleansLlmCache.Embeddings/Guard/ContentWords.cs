namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Content words: neither numbers nor stop words. A negation's scope and a direction's endpoints are the
/// nearest of them, looked for within three words.</summary>
internal static class ContentWords
{
    public static bool IsContent(PromptWord word) => !word.IsNumber && !GuardLexicon.StopWords.Contains(word.Key);

    /// <summary>The position of the nearest content word before <paramref name="at"/>, or -1.</summary>
    public static int Before(IReadOnlyList<PromptWord> words, int at)
    {
        for (var j = at - 1; j >= Math.Max(0, at - 3); j--)
        {
            if (IsContent(words[j]))
            {
                return j;
            }
        }

        return -1;
    }

    /// <summary>The position of the nearest content word after <paramref name="at"/>, or -1.</summary>
    public static int After(IReadOnlyList<PromptWord> words, int at)
    {
        for (var j = at + 1; j < Math.Min(words.Count, at + 4); j++)
        {
            if (IsContent(words[j]))
            {
                return j;
            }
        }

        return -1;
    }
}
