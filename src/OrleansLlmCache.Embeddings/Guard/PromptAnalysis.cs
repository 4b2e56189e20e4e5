using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>What the guard's rules read from one prompt: its words, numbers, negation, quotes, search operators, terms
/// of the contrast sets, directions and names. Built once per prompt; pure and thread-safe.</summary>
internal sealed partial class PromptAnalysis
{
    private static readonly HashSet<string> EntryWords = [.. GuardLexicon.Sets
        .SelectMany(set => set.Groups).SelectMany(group => group).SelectMany(phrase => phrase.Words)];

    // Every phrase of every set by its first word, longest first, so a prompt is matched in one pass over its words.
    private static readonly Dictionary<string, (ContrastSet Set, int Group, ContrastPhrase Phrase)[]> PhrasesByFirstWord =
        GuardLexicon.Sets
            .SelectMany(set => set.Groups.SelectMany((group, g) => group.Select(phrase => (Set: set, Group: g, Phrase: phrase))))
            .GroupBy(entry => entry.Phrase.Words[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(e => e.Phrase.Words.Length).ToArray(), StringComparer.Ordinal);

    private readonly HashSet<string> _forms = new(StringComparer.Ordinal);

    private PromptAnalysis(string text)
    {
        var normalised = Normalise(text);
        Quotes = FindQuotes(normalised);
        normalised = ExtractOperators(normalised, Operators);
        Words = Tokenise(normalised, Numbers);
        ReadSpelledNumbers();
        Negations = FindNegations();
        Terms = FindTerms();
        Directions = FindDirections();
        var titleCase = IsTitleCase();
        Names = [.. Words.Where(word => IsName(word, titleCase))];
        foreach (var word in Words)
        {
            _forms.Add(word.Key);
            _forms.Add(word.Stem);
            _forms.Add(Flat(word.Key));
        }

        // Compounds written apart or together: "data frame" / "DataFrame", "re-encoding" / "reencoding".
        for (var i = 0; i + 1 < Words.Count; i++)
        {
            _forms.Add(Flat(Words[i].Key + Words[i + 1].Key));
            _forms.Add(Flat(Words[i].Key + Words[i + 1].Stem));
        }
    }

    public IReadOnlyList<PromptWord> Words { get; }

    /// <summary>Numbers in a canonical form ("1,000" and "one thousand" are "1000"; "v2.10.0" is "2.10").</summary>
    public SortedSet<string> Numbers { get; } = new(StringComparer.Ordinal);

    /// <summary>What the prompt negates: the negating words ("not", "without", "nut-free") and the word each negates.</summary>
    public IReadOnlyList<(string Cue, PromptWord Scope)> Negations { get; }

    public IReadOnlyList<string> Quotes { get; }

    /// <summary>Search operators: key to its values ("site" → {"docs.python.org"}).</summary>
    public SortedDictionary<string, SortedSet<string>> Operators { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<TermMention> Terms { get; }

    public IReadOnlyList<DirectedPair> Directions { get; }

    /// <summary>Words that look like names: capitalised inside a sentence, acronyms, CamelCase, identifiers such as "c#" or "node.js".</summary>
    public IReadOnlyList<PromptWord> Names { get; }

    public static PromptAnalysis Of(string text) => new(text);

    /// <summary>Whether this prompt contains <paramref name="word"/>, allowing for case, plural, possessive, compounds,
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

        return Words.Any(other => IsDerivedFrom(other.Key, word.Key) || IsDerivedFrom(word.Key, other.Key));
    }

    /// <summary>Whether <paramref name="acronym"/> spells the initials of consecutive words here, or of a CamelCase word's parts.</summary>
    public bool Expands(string acronym, out IReadOnlyList<PromptWord> expansion)
    {
        var letters = acronym.ToUpperInvariant();
        for (var start = 0; start < Words.Count; start++)
        {
            var run = new List<PromptWord>();
            var at = 0;
            for (var i = start; i < Words.Count && at < letters.Length; i++)
            {
                var word = Words[i];
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
                expansion = run;
                return true;
            }

            var parts = CamelParts(Words[start].Text);
            if (parts.Count == letters.Length && parts.Count > 1 && string.Concat(parts.Select(p => char.ToUpperInvariant(p[0]))) == letters)
            {
                expansion = [Words[start]];
                return true;
            }
        }

        expansion = [];
        return false;
    }

    /// <summary>The word or term at <paramref name="position"/> as an endpoint id: a term's set and group, else the stem.</summary>
    private string EndpointId(int position)
    {
        var term = Terms.FirstOrDefault(t => t.Position == position && t.Set.Reason is GuardReason.Term or GuardReason.Unit);
        return term is null ? Words[position].Stem : $"{term.Set.Category}#{term.Group}";
    }

    private static string Normalise(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text)
            .Replace('\u2019', '\'').Replace('\u2018', '\'').Replace('\u201C', '"').Replace('\u201D', '"')
            .Replace("\\\"", "\"").Replace('\\', '"') // JSON- or shell-escaped quotes: a backslash stands for a quote mark
            .Replace("\"\"", "\"")
            .Replace("°F", " fahrenheit ").Replace("°C", " celsius ").Replace("℉", " fahrenheit ").Replace("℃", " celsius ")
            .Replace("->", " → ").Replace("=>", " → ").Replace(">=", " ≥ ").Replace("<=", " ≤ ")
            .Replace("%", " percent ").Replace("&", " and ");
        foreach (var symbol in (ReadOnlySpan<char>)['$', '€', '£', '¥', '₹', '≥', '≤', '→', '<', '>'])
        {
            builder.Replace(symbol.ToString(), $" {symbol} ");
        }

        return builder.ToString();
    }

    private static List<string> FindQuotes(string text) =>
        [.. QuotePattern().Matches(text).Select(m => m.Groups.Cast<Group>().Skip(1).First(g => g.Success).Value.Trim()).Where(q => q.Length > 0)];

    private static string ExtractOperators(string text, SortedDictionary<string, SortedSet<string>> operators) =>
        OperatorPattern().Replace(text, match =>
        {
            var key = match.Groups[1].Value.ToLowerInvariant();
            if (!GuardLexicon.SearchOperators.Contains(key))
            {
                return match.Value;
            }

            var value = match.Groups[2].Value.TrimEnd('.', ',', ';', ')').ToLowerInvariant();
            if (!operators.TryGetValue(key, out var values))
            {
                operators[key] = values = new SortedSet<string>(StringComparer.Ordinal);
            }

            values.Add(value);
            return $" {key} {value} "; // the key still reads as a word ("after" vs "before"), the value as words and numbers
        });

    private static List<PromptWord> Tokenise(string text, SortedSet<string> numbers)
    {
        var words = new List<PromptWord>();
        foreach (Match match in WordPattern().Matches(text))
        {
            var startsSentence = StartsSentence(text, match.Index);
            var token = match.Value.TrimEnd('\'');
            if (NumberPattern().IsMatch(token))
            {
                numbers.Add(CanonicalNumber(token));
                words.Add(new PromptWord(token, token, token, startsSentence, false, true));
                continue;
            }

            var parts = token.Split(['-', '/'], StringSplitOptions.RemoveEmptyEntries);
            for (var p = 0; p < parts.Length; p++)
            {
                AddPart(parts[p], startsSentence && p == 0, p > 0, words, numbers);
            }

            var next = match.Index + match.Length;
            while (next < text.Length && text[next] == ' ')
            {
                next++;
            }

            if (words.Count > 0 && next < text.Length && text[next] is ',' or '.' or ';' or ':' or '!' or '?')
            {
                words[^1] = words[^1] with { EndsClause = true };
            }
        }

        return words;
    }

    private static void AddPart(string part, bool startsSentence, bool afterHyphen, List<PromptWord> words, SortedSet<string> numbers)
    {
        if (NumberPattern().IsMatch(part))
        {
            numbers.Add(CanonicalNumber(part));
            words.Add(new PromptWord(part, part, part, startsSentence, afterHyphen, true));
            return;
        }

        var withUnit = NumberWithSuffixPattern().Match(part);
        if (withUnit.Success)
        {
            var suffix = withUnit.Groups[2].Value.ToLowerInvariant();
            var number = withUnit.Groups[1].Value;
            if (GuardLexicon.UnitSuffixes.TryGetValue(suffix, out var unit) || suffix is "st" or "nd" or "rd" or "th")
            {
                // "4h" is "4 hour"; "10k" is "10 thousand" (joined below); "1st" is "1".
                words.Add(new PromptWord(number, number, number, startsSentence, afterHyphen, true));
                numbers.Add(CanonicalNumber(number));
                if (!string.IsNullOrEmpty(unit))
                {
                    words.Add(new PromptWord(unit, unit, unit, false, false, false));
                }

                return;
            }
        }

        // Identifiers with digits ("mp3", "gpt-4o", "eli5", "v3.2") carry their number; numeronyms ("k8s", "i18n") do not.
        if (part.Any(char.IsAsciiDigit) && !NumeronymPattern().IsMatch(part))
        {
            foreach (Match digits in DigitRunPattern().Matches(part))
            {
                numbers.Add(CanonicalNumber(digits.Value));
            }
        }

        var key = part.ToLowerInvariant();
        if (key.EndsWith("'s", StringComparison.Ordinal))
        {
            key = key[..^2];
        }

        words.Add(new PromptWord(part, key, Stem(key), startsSentence, afterHyphen, false));
    }

    private void ReadSpelledNumbers()
    {
        for (var i = 0; i < Words.Count; i++)
        {
            var word = Words[i];
            if (word.IsNumber)
            {
                // "5 million", "10k": a number written in digits and scaled by the next word.
                if (i + 1 < Words.Count && GuardLexicon.Multipliers.TryGetValue(Words[i + 1].Key, out var scale)
                    && decimal.TryParse(CanonicalNumber(word.Text), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    Numbers.Remove(CanonicalNumber(word.Text));
                    Numbers.Add((value * scale).ToString(CultureInfo.InvariantCulture));
                    i++;
                }

                continue;
            }

            var scaledByArticle = word.Key is "a" or "an" && i + 1 < Words.Count && GuardLexicon.Multipliers.ContainsKey(Words[i + 1].Key);
            if (!GuardLexicon.NumberWords.ContainsKey(word.Key) && !scaledByArticle)
            {
                continue;
            }

            // "twenty five", "one hundred and five", "three thousand", "a hundred", "a dozen".
            long total = 0, current = 0;
            var j = scaledByArticle ? i + 1 : i;
            if (scaledByArticle)
            {
                current = 1;
            }

            for (; j < Words.Count; j++)
            {
                var key = Words[j].Key;
                if (GuardLexicon.NumberWords.TryGetValue(key, out var units))
                {
                    current += units;
                }
                else if (GuardLexicon.Multipliers.TryGetValue(key, out var multiplier))
                {
                    current = Math.Max(current, 1) * multiplier;
                    if (multiplier >= 1000)
                    {
                        total += current;
                        current = 0;
                    }
                }
                else if (key != "and" || j + 1 >= Words.Count || !GuardLexicon.NumberWords.ContainsKey(Words[j + 1].Key))
                {
                    break;
                }
            }

            Numbers.Add((total + current).ToString(CultureInfo.InvariantCulture));
            i = j - 1;
        }
    }

    // A negation's scope is the word it negates: the next content word ("no links", "doesn't have any metadata"), or
    // the word before "-free" ("nut-free"). "No," answering a question negates nothing in the prompt itself.
    private List<(string Cue, PromptWord Scope)> FindNegations()
    {
        var negations = new List<(string, PromptWord)>();
        for (var i = 0; i < Words.Count; i++)
        {
            var word = Words[i];
            if (word.Key == "free" && word.AfterHyphen && i > 0)
            {
                negations.Add(($"{Words[i - 1].Text}-{word.Text}", Words[i - 1]));
                continue;
            }

            var negates = GuardLexicon.Negators.Contains(word.Key) || word.Key.EndsWith("n't", StringComparison.Ordinal);
            if (!negates || word.EndsClause || StartsNonNegatingPhrase(i))
            {
                continue;
            }

            var scope = ContentAfter(i);
            if (scope >= 0)
            {
                negations.Add((word.Text, Words[scope]));
            }
        }

        return negations;
    }

    private bool StartsNonNegatingPhrase(int at)
    {
        foreach (var phrase in GuardLexicon.NonNegatingPhrases)
        {
            // The negator is the phrase's first word, or its second ("or not", "whether or not").
            var offset = Array.IndexOf(phrase, Words[at].Key);
            var start = at - offset;
            if (offset >= 0 && start >= 0 && start + phrase.Length <= Words.Count
                && phrase.Select((w, k) => Words[start + k].Key == w).All(x => x))
            {
                return true;
            }
        }

        return false;
    }

    // Per set, left to right, the longest phrase wins and its words are not matched again by that set.
    private List<TermMention> FindTerms()
    {
        var mentions = new List<TermMention>();
        var nextFree = new Dictionary<ContrastSet, int>();
        for (var i = 0; i < Words.Count; i++)
        {
            foreach (var first in (string[])[Words[i].Key, Words[i].Stem])
            {
                if (!PhrasesByFirstWord.TryGetValue(first, out var candidates))
                {
                    continue;
                }

                foreach (var (set, group, phrase) in candidates)
                {
                    if (nextFree.GetValueOrDefault(set) <= i && Matches(phrase, i))
                    {
                        mentions.Add(new TermMention(set, group, string.Join(' ', Words.Skip(i).Take(phrase.Words.Length).Select(w => w.Text)), i));
                        nextFree[set] = i + phrase.Words.Length;
                    }
                }
            }
        }

        return mentions;
    }

    private bool Matches(ContrastPhrase phrase, int at)
    {
        if (at + phrase.Words.Length > Words.Count || (phrase.MustBeCapitalised && !Words[at].IsCapitalised))
        {
            return false;
        }

        for (var k = 0; k < phrase.Words.Length; k++)
        {
            var word = Words[at + k];
            var entry = phrase.Words[k];

            // A plural matches its singular entry unless the plural is an entry of its own ("mins" is not "min").
            if (word.Key != entry && (word.Stem != entry || EntryWords.Contains(word.Key)))
            {
                return false;
            }
        }

        return true;
    }

    private List<DirectedPair> FindDirections()
    {
        var pairs = new List<DirectedPair>();
        for (var i = 0; i < Words.Count; i++)
        {
            var key = Words[i].Key;
            if (key is "into" or "→")
            {
                Add(ContentBefore(i), ContentAfter(i));
            }
            else if (key == "to")
            {
                var from = Enumerable.Range(Math.Max(0, i - 4), Math.Min(4, i)).LastOrDefault(j => Words[j].Key == "from", -1);
                if (from >= 0)
                {
                    Add(ContentAfter(from), ContentAfter(i)); // "from X to Y"
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

        return pairs;

        void Add(int from, int to)
        {
            if (from >= 0 && to >= 0)
            {
                pairs.Add(new DirectedPair(EndpointId(from), EndpointId(to), Words[from].Text, Words[to].Text));
            }
        }

        // "USD to EUR": a bare "X to Y" is a direction only when X and Y are alternatives of one set (currencies,
        // formats, languages), so "steps to migrate" or "go to bed" are not read as conversions.
        void AddIfAlternatives(int at)
        {
            var before = ContentBefore(at);
            var after = ContentAfter(at);
            if (before < 0 || after < 0)
            {
                return;
            }

            var left = Terms.Where(t => t.Position == before && t.Set.Reason is GuardReason.Term or GuardReason.Unit);
            if (left.Any(l => Terms.Any(r => r.Position == after && r.Set == l.Set && r.Group != l.Group)))
            {
                Add(before, after);
            }
        }
    }

    private int ContentBefore(int at)
    {
        for (var j = at - 1; j >= Math.Max(0, at - 3); j--)
        {
            if (IsContent(Words[j]))
            {
                return j;
            }
        }

        return -1;
    }

    private int ContentAfter(int at)
    {
        for (var j = at + 1; j < Math.Min(Words.Count, at + 4); j++)
        {
            if (IsContent(Words[j]))
            {
                return j;
            }
        }

        return -1;
    }

    private static bool IsContent(PromptWord word) => !word.IsNumber && !GuardLexicon.StopWords.Contains(word.Key);

    private static bool IsDerivedFrom(string derived, string root) =>
        root.Length >= 3 && derived.Length > root.Length && derived.StartsWith(root, StringComparison.Ordinal)
        && GuardLexicon.DerivationalEndings.Contains(derived[root.Length..]);

    // "How To Reset A Windows Password": when most words are capitalised, a capital says nothing.
    private bool IsTitleCase()
    {
        var content = Words.Where(IsContent).Where(w => char.IsLetter(w.Text[0])).ToList();
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

    private static List<string> CamelParts(string text) =>
        [.. CamelPartPattern().Matches(text).Select(m => m.Value)];

    private static bool StartsSentence(string text, int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            var c = text[i];
            if (c == '\n')
            {
                return true;
            }

            if (!char.IsWhiteSpace(c))
            {
                // After a comma or colon a capital opens a list item ("guides: Tutorials, How-to guides, Reference").
                return c is '.' or '!' or '?' or ':' or ';' or ',' or '*' or '•';
            }
        }

        return true;
    }

    private static string Stem(string key)
    {
        if (key.Length >= 5 && key.EndsWith("ies", StringComparison.Ordinal))
        {
            return key[..^3] + "y";
        }

        if (key.Length >= 5 && key.EndsWith("es", StringComparison.Ordinal) && (key[^3] is 's' or 'x' or 'z' || key.EndsWith("ches", StringComparison.Ordinal) || key.EndsWith("shes", StringComparison.Ordinal)))
        {
            return key[..^2];
        }

        return key.Length >= 4 && key[^1] == 's' && key[^2] is not ('s' or 'u' or 'i') ? key[..^1] : key;
    }

    private static string Flat(string key) => key.Replace("-", string.Empty, StringComparison.Ordinal)
        .Replace(".", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal)
        .Replace("/", string.Empty, StringComparison.Ordinal).Replace("'", string.Empty, StringComparison.Ordinal);

    /// <summary>"1,000" → "1000", "4.50" → "4.5", "07" → "7", "v2.10.0" → "2.10"; dates and times stay as written.</summary>
    private static string CanonicalNumber(string number)
    {
        if (ThousandsPattern().IsMatch(number))
        {
            number = number.Replace(",", string.Empty, StringComparison.Ordinal);
        }

        if (number.AsSpan().IndexOfAny(",:/-") >= 0)
        {
            return number;
        }

        var parts = number.Split('.');
        parts[0] = parts[0].TrimStart('0') is { Length: > 0 } whole ? whole : "0";
        if (parts.Length == 2)
        {
            var fraction = parts[1].TrimEnd('0');
            return fraction.Length == 0 ? parts[0] : $"{parts[0]}.{fraction}";
        }

        var length = parts.Length;
        while (length > 2 && parts[length - 1].All(c => c == '0'))
        {
            length--; // version 2.10.0 is 2.10
        }

        return string.Join('.', parts.Take(length));
    }

    [GeneratedRegex("```(.+?)```|`([^`\\n]+)`|\"([^\"\\n]+)\"|(?<![\\p{L}\\p{N}])'([^'\\n]+?)'(?![\\p{L}\\p{N}])", RegexOptions.Singleline)]
    private static partial Regex QuotePattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])([A-Za-z]+):([^\s""'()]+)")]
    private static partial Regex OperatorPattern();

    [GeneratedRegex(@"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:['.\-_/#+][\p{L}\p{N}]+)*[#+]*'?|[$€£¥₹≥≤→<>]")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"^\d+(?:[.,:/-]\d+)*$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)([A-Za-zµ]+)$")]
    private static partial Regex NumberWithSuffixPattern();

    [GeneratedRegex(@"^[A-Za-z]\d+[A-Za-z]$")]
    private static partial Regex NumeronymPattern();

    [GeneratedRegex(@"\d+(?:\.\d+)*")]
    private static partial Regex DigitRunPattern();

    [GeneratedRegex(@"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")]
    private static partial Regex ThousandsPattern();

    [GeneratedRegex(@"^[\p{L}\p{N}]{2,}(?:\.[\p{L}\p{N}]{2,})+$")]
    private static partial Regex DottedNamePattern();

    [GeneratedRegex(@"\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+")]
    private static partial Regex CamelPartPattern();
}
