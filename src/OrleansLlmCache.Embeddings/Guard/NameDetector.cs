using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Finds the words of a prompt that look like names, and the words an acronym stands for.</summary>
internal static partial class NameDetector
{
    /// <summary>Words capitalised inside a sentence, acronyms, CamelCase, identifiers such as "c#" or "node.js". In a
    /// Title Case prompt a capital says nothing, so only the other signs count.</summary>
    public static ImmutableArray<PromptWord> Find(IReadOnlyList<PromptWord> words)
    {
        var titleCase = IsTitleCase(words);
        return [.. words.Where(word => IsName(word, titleCase))];
    }

    /// <summary>The words of <paramref name="words"/> whose initials spell <paramref name="acronym"/>: consecutive words
    /// ("United States" for "US", skipping "of", "and", "for", "the" inside), or one CamelCase word ("JavaScript" for
    /// "JS"); empty when there are none.</summary>
    public static ImmutableArray<PromptWord> Expansion(IReadOnlyList<PromptWord> words, string acronym)
    {
        var letters = acronym.ToUpperInvariant();
        for (var start = 0; start < words.Count; start++)
        {
            var run = ImmutableArray.CreateBuilder<PromptWord>();
            var at = 0;
            for (var i = start; i < words.Count && at < letters.Length; i++)
            {
                var word = words[i];
                if (char.ToUpperInvariant(word.Text[0]) == letters[at])
                {
                    run.Add(word);
                    at++;
                }
                else if (run.Count == 0 || word.Key is not ("of" or "and" or "for" or "the"))
                {
                    break;
                }
            }

            if (at == letters.Length && run.Count > 1)
            {
                return run.DrainToImmutable();
            }

            var parts = CamelPartPattern().Matches(words[start].Text).Select(m => m.Value).ToList();
            if (parts.Count == letters.Length && parts.Count > 1 && string.Concat(parts.Select(p => char.ToUpperInvariant(p[0]))) == letters)
            {
                return [words[start]];
            }
        }

        return [];
    }

    // "How To Reset A Windows Password": when most words are capitalised, a capital says nothing.
    private static bool IsTitleCase(IReadOnlyList<PromptWord> words)
    {
        var content = words.Where(ContentWords.IsContent).Where(w => char.IsLetter(w.Text[0])).ToList();
        return content.Count >= 3 && content.Count(w => w.IsCapitalised) * 10 >= content.Count * 6;
    }

    private static bool IsName(PromptWord word, bool titleCase)
    {
        var text = word.Text;
        if (word.IsNumber || text.Length < 2 || !text.Any(char.IsLetter) || GuardLexicon.StopWords.Contains(word.Key) || word.Key == "i'm")
        {
            return false;
        }

        var letters = text.Where(char.IsLetter).ToList();
        var acronym = letters.Count >= 2 && letters.All(char.IsUpper);
        var innerCapital = text.Skip(1).Any(char.IsUpper) && text.Any(char.IsLower); // PyTorch, iPhone, mariaDB
        var identifier = text.IndexOfAny(['#', '+', '_']) >= 0 || DottedNamePattern().IsMatch(text); // c#, c++, pg_dump, node.js
        var capitalised = word.IsCapitalised && !word.StartsSentence && !titleCase;
        return acronym || innerCapital || identifier || capitalised;
    }

    [GeneratedRegex(@"^[\p{L}\p{N}]{2,}(?:\.[\p{L}\p{N}]{2,})+$")]
    private static partial Regex DottedNamePattern();

    [GeneratedRegex(@"\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+")]
    private static partial Regex CamelPartPattern();
}
