namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>The guard's rules. Each compares the new prompt with the cached one and returns a finding, or null to pass.</summary>
internal static class GuardRules
{
    /// <summary>Numbers, years, versions, dates, spelled-out numbers: any difference changes the answer. A lone "one"
    /// or "first" is let through, because English says "a" for it ("in a sentence" / "in one sentence").</summary>
    public static (GuardReason, string)? Numbers(PromptAnalysis fresh, PromptAnalysis cached)
    {
        var onlyFresh = fresh.Numbers.Except(cached.Numbers).Where(n => n != "1").ToList();
        var onlyCached = cached.Numbers.Except(fresh.Numbers).Where(n => n != "1").ToList();
        if (onlyFresh.Count == 0 && onlyCached.Count == 0)
        {
            return null;
        }

        return (GuardReason.Number, (onlyFresh.Count, onlyCached.Count) switch
        {
            (> 0, > 0) => $"numbers differ: {Quote(onlyFresh)} (new) vs {Quote(onlyCached)} (cached)",
            (> 0, _) => $"{Quote(onlyFresh)} is only in the new prompt",
            _ => $"{Quote(onlyCached)} is only in the cached prompt",
        });
    }

    /// <summary>One prompt negates a word the other states plainly and negates nothing: "with links" / "no links",
    /// "is deprecated" / "isn't deprecated", "nut-free" / "with nuts". A negation whose word the other prompt does not use
    /// at all is a rephrasing ("without any manual input" / "automatically") and passes.</summary>
    public static (GuardReason, string)? Negation(PromptAnalysis fresh, PromptAnalysis cached) =>
        FlippedNegation(fresh, cached, "new", "cached") ?? FlippedNegation(cached, fresh, "cached", "new");

    /// <summary>The same search operator with other values: "site:a.org" / "site:b.org", "sort:recent" / "sort:top".</summary>
    public static (GuardReason, string)? SearchOperators(PromptAnalysis fresh, PromptAnalysis cached)
    {
        foreach (var (key, values) in fresh.Operators)
        {
            if (cached.Operators.TryGetValue(key, out var other) && !values.SetEquals(other))
            {
                return (GuardReason.SearchOperator, $"{key}: differs: '{string.Join(' ', values)}' (new) vs '{string.Join(' ', other)}' (cached)");
            }
        }

        return null;
    }

    /// <summary>The same endpoints in opposite order: "USD to EUR" / "EUR to USD", "svn to git" / "git to svn".</summary>
    public static (GuardReason, string)? Directions(PromptAnalysis fresh, PromptAnalysis cached)
    {
        foreach (var pair in fresh.Directions)
        {
            var reversed = cached.Directions.FirstOrDefault(other => other.From == pair.To && other.To == pair.From);
            if (reversed is not null)
            {
                return (GuardReason.Direction,
                    $"opposite directions: '{pair.FromText}' to '{pair.ToText}' (new) vs '{reversed.FromText}' to '{reversed.ToText}' (cached)");
            }
        }

        return null;
    }

    /// <summary>Different members of one closed set: units, bounds, comparatives, superlatives, opposites, languages,
    /// formats, months. Mentioning a member on one side only is not a contrast ("best hiking trails" / "hiking trails").</summary>
    public static (GuardReason, string)? ContrastingTerms(PromptAnalysis fresh, PromptAnalysis cached)
    {
        foreach (var finding in AllContrastingTerms(fresh, cached))
        {
            return finding;
        }

        return null;
    }

    /// <summary>Every closed set in which the prompts name different members, in the order of <see cref="GuardLexicon.Sets"/>.</summary>
    public static IEnumerable<(GuardReason, string)> AllContrastingTerms(PromptAnalysis fresh, PromptAnalysis cached)
    {
        foreach (var set in GuardLexicon.Sets)
        {
            var freshTerms = fresh.Terms.Where(t => t.Set == set).ToList();
            var cachedTerms = cached.Terms.Where(t => t.Set == set).ToList();
            if (freshTerms.Count == 0 || cachedTerms.Count == 0)
            {
                continue;
            }

            var freshOnly = freshTerms.FirstOrDefault(t => cachedTerms.All(c => c.Group != t.Group));
            var cachedOnly = cachedTerms.FirstOrDefault(c => freshTerms.All(t => t.Group != c.Group));
            if (freshOnly is not null && cachedOnly is not null)
            {
                yield return (set.Reason, $"{set.Category}: '{freshOnly.Surface}' (new) vs '{cachedOnly.Surface}' (cached)");
            }
        }
    }

    /// <summary>Quoted and code-quoted text is meant literally: each of its words must be in the other prompt.</summary>
    public static (GuardReason, string)? QuotedText(PromptAnalysis fresh, PromptAnalysis cached) =>
        MissingQuote(fresh, cached, "new") ?? MissingQuote(cached, fresh, "cached");

    /// <summary>Each prompt names something the other does not ("Paris" / "Tokyo", "pt-BR" / "pt-PT", "c#" / "f#").
    /// A name on one side only is let through: paraphrases add and drop context ("iPhone 16 price" / "iPhone 16 price in the US").
    /// Acronyms match their expansion ("US" / "United States", "JS" / "JavaScript").</summary>
    public static (GuardReason, string)? Names(PromptAnalysis fresh, PromptAnalysis cached)
    {
        var freshOnly = Unmatched(fresh, cached);
        var cachedOnly = Unmatched(cached, fresh);
        CancelAcronyms(freshOnly, cachedOnly, cached);
        CancelAcronyms(cachedOnly, freshOnly, fresh);
        return freshOnly.Count > 0 && cachedOnly.Count > 0
            ? (GuardReason.Entity, $"names differ: '{freshOnly[0].Text}' (new) vs '{cachedOnly[0].Text}' (cached)")
            : null;
    }

    private static (GuardReason, string)? FlippedNegation(PromptAnalysis negating, PromptAnalysis other, string side, string otherSide)
    {
        // Only when the other prompt negates nothing: two negated prompts phrase their negations differently too often
        // ("does not provide information" / "no information is given") to compare scopes one by one.
        if (other.Negations.Count > 0)
        {
            return null;
        }

        foreach (var (cue, scope) in negating.Negations)
        {
            if (other.Contains(scope))
            {
                return (GuardReason.Negation, $"'{cue} {scope.Text}' in the {side} prompt, '{scope.Text}' not negated in the {otherSide} one");
            }
        }

        return null;
    }

    private static (GuardReason, string)? MissingQuote(PromptAnalysis quoting, PromptAnalysis other, string side)
    {
        foreach (var quote in quoting.Quotes)
        {
            var missing = PromptTokenizer.Tokenize(quote).Words
                .Where(w => !GuardLexicon.StopWords.Contains(w.Key) && !other.Contains(w))
                .Select(w => w.Text)
                .FirstOrDefault();
            if (missing is not null)
            {
                return (GuardReason.QuotedText, $"'{missing}' of the quoted text '{Shorten(quote)}' in the {side} prompt is not in the other");
            }
        }

        return null;
    }

    private static List<PromptWord> Unmatched(PromptAnalysis names, PromptAnalysis other)
    {
        var unmatched = new List<PromptWord>();
        for (var i = 0; i < names.Words.Count; i++)
        {
            var word = names.Words[i];
            if (!names.Names.Contains(word) || other.Contains(word))
            {
                continue;
            }

            // A synonym in a contrast set ("Postgres" / "PostgreSQL") is the same name.
            var position = i;
            var synonym = names.Terms.Any(t => t.Position == position && other.Terms.Any(o => o.Set == t.Set && o.Group == t.Group));
            if (!synonym)
            {
                unmatched.Add(word);
            }
        }

        return unmatched;
    }

    private static void CancelAcronyms(List<PromptWord> unmatched, List<PromptWord> otherUnmatched, PromptAnalysis other)
    {
        for (var i = unmatched.Count - 1; i >= 0; i--)
        {
            var letters = unmatched[i].Text.TrimEnd('s');
            if (letters.Length is >= 2 and <= 6 && letters.All(char.IsUpper) && other.Expansion(letters) is { Count: > 0 } expansion)
            {
                unmatched.RemoveAt(i);
                otherUnmatched.RemoveAll(expansion.Contains);
            }
        }
    }

    private static string Quote(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"'{v}'"));

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
