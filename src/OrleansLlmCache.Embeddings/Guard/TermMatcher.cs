using System.Collections.Immutable;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Finds the members of <see cref="GuardLexicon.Sets"/> a prompt mentions. Per set, left to right, the longest
/// phrase wins and its words are not matched again by that set ("at least" is one bound, not "at" and "least").</summary>
internal static class TermMatcher
{
    private static readonly HashSet<string> EntryWords = [.. GuardLexicon.Sets
        .SelectMany(set => set.Groups).SelectMany(group => group).SelectMany(phrase => phrase.Words)];

    // Every phrase of every set by its first word, longest first, so a prompt is matched in one pass over its words.
    private static readonly Dictionary<string, (ContrastSet Set, int Group, ContrastPhrase Phrase)[]> PhrasesByFirstWord =
        GuardLexicon.Sets
            .SelectMany(set => set.Groups.SelectMany((group, g) => group.Select(phrase => (Set: set, Group: g, Phrase: phrase))))
            .GroupBy(entry => entry.Phrase.Words[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(e => e.Phrase.Words.Length).ToArray(), StringComparer.Ordinal);

    public static ImmutableArray<TermMention> Find(IReadOnlyList<PromptWord> words)
    {
        var mentions = ImmutableArray.CreateBuilder<TermMention>();
        var nextFree = new Dictionary<ContrastSet, int>();
        for (var i = 0; i < words.Count; i++)
        {
            foreach (var first in (string[])[words[i].Key, words[i].Stem])
            {
                if (!PhrasesByFirstWord.TryGetValue(first, out var candidates))
                {
                    continue;
                }

                foreach (var (set, group, phrase) in candidates)
                {
                    if (nextFree.GetValueOrDefault(set) <= i && Matches(words, phrase, i))
                    {
                        mentions.Add(new TermMention(set, group, string.Join(' ', words.Skip(i).Take(phrase.Words.Length).Select(w => w.Text)), i));
                        nextFree[set] = i + phrase.Words.Length;
                    }
                }
            }
        }

        return mentions.DrainToImmutable();
    }

    private static bool Matches(IReadOnlyList<PromptWord> words, ContrastPhrase phrase, int at)
    {
        if (at + phrase.Words.Length > words.Count || (phrase.MustBeCapitalised && !words[at].IsCapitalised))
        {
            return false;
        }

        for (var k = 0; k < phrase.Words.Length; k++)
        {
            var word = words[at + k];
            var entry = phrase.Words[k];

            // A plural matches its singular entry unless the plural is an entry of its own ("mins" is not "min").
            if (word.Key != entry && (word.Stem != entry || EntryWords.Contains(word.Key)))
            {
                return false;
            }
        }

        return true;
    }
}
