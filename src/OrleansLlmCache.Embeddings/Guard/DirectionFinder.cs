using System.Collections.Immutable;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Finds the directed pairs a prompt names: "from X to Y", "X into Y", "X → Y", and "X to/in/as Y" when X and Y
/// are alternatives of one set. An endpoint that is a unit or term is identified by its set and group, so "USD" and
/// "dollar" are the same endpoint; any other word by its stem.</summary>
internal static class DirectionFinder
{
    public static ImmutableArray<DirectedPair> Find(IReadOnlyList<PromptWord> words, IReadOnlyList<TermMention> terms)
    {
        var pairs = ImmutableArray.CreateBuilder<DirectedPair>();
        for (var i = 0; i < words.Count; i++)
        {
            var key = words[i].Key;
            if (key is "into" or "→")
            {
                Add(ContentWords.Before(words, i), ContentWords.After(words, i));
            }
            else if (key == "to")
            {
                var from = Enumerable.Range(Math.Max(0, i - 4), Math.Min(4, i)).LastOrDefault(j => words[j].Key == "from", -1);
                if (from >= 0)
                {
                    Add(ContentWords.After(words, from), ContentWords.After(words, i)); // "from X to Y"
                }
                else
                {
                    AddIfAlternatives(i);
                }
            }
            else if (key is "in" or "as")
            {
                AddIfAlternatives(i); // "100 Celsius in Fahrenheit", "Markdown as HTML"
            }
        }

        return pairs.DrainToImmutable();

        void Add(int from, int to)
        {
            if (from >= 0 && to >= 0)
            {
                pairs.Add(new DirectedPair(EndpointId(from), EndpointId(to), words[from].Text, words[to].Text));
            }
        }

        // "USD to EUR": a bare "X to Y" is a direction only when X and Y are alternatives of one set (currencies,
        // formats, languages), so "steps to migrate" or "go to bed" are not read as conversions.
        void AddIfAlternatives(int at)
        {
            var before = ContentWords.Before(words, at);
            var after = ContentWords.After(words, at);
            if (before < 0 || after < 0)
            {
                return;
            }

            var left = terms.Where(t => t.Position == before && IsEndpointTerm(t));
            if (left.Any(l => terms.Any(r => r.Position == after && r.Set == l.Set && r.Group != l.Group)))
            {
                Add(before, after);
            }
        }

        string EndpointId(int position)
        {
            var term = terms.FirstOrDefault(t => t.Position == position && IsEndpointTerm(t));
            return term is null ? words[position].Stem : $"{term.Set.Category}#{term.Group}";
        }
    }

    private static bool IsEndpointTerm(TermMention term) => term.Set.Reason is GuardReason.Term or GuardReason.Unit;
}
