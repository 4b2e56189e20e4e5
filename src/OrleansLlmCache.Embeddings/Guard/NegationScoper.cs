using System.Collections.Immutable;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Finds what a prompt negates. A negation's scope is the word it negates: the next content word ("no links",
/// "doesn't have any metadata"), or the word before "-free" ("nut-free"). "No," answering a question negates nothing in
/// the prompt itself, and neither do "not only", "no more than" and the other <see cref="GuardLexicon.NonNegatingPhrases"/>.</summary>
internal static class NegationScoper
{
    public static ImmutableArray<Negation> Find(IReadOnlyList<PromptWord> words)
    {
        var negations = ImmutableArray.CreateBuilder<Negation>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.Key == "free" && word.AfterHyphen && i > 0)
            {
                negations.Add(new Negation($"{words[i - 1].Text}-{word.Text}", words[i - 1]));
                continue;
            }

            var negates = GuardLexicon.Negators.Contains(word.Key) || word.Key.EndsWith("n't", StringComparison.Ordinal);
            if (!negates || word.EndsClause || StartsNonNegatingPhrase(words, i))
            {
                continue;
            }

            var scope = ContentWords.After(words, i);
            if (scope >= 0)
            {
                negations.Add(new Negation(word.Text, words[scope]));
            }
        }

        return negations.DrainToImmutable();
    }

    private static bool StartsNonNegatingPhrase(IReadOnlyList<PromptWord> words, int at)
    {
        foreach (var phrase in GuardLexicon.NonNegatingPhrases)
        {
            // The negator is the phrase's first word, or its second ("or not", "whether or not").
            var offset = Array.IndexOf(phrase, words[at].Key);
            var start = at - offset;
            if (offset >= 0 && start >= 0 && start + phrase.Length <= words.Count
                && phrase.Select((w, k) => words[start + k].Key == w).All(x => x))
            {
                return true;
            }
        }

        return false;
    }
}
