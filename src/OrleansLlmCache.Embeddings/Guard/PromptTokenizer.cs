using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Splits a prompt into <see cref="PromptWord"/>s, after lifting out its quotes and search operators. Every
/// other analyzer reads the words this produces, so a rule compares two prompts word by word on the same terms.</summary>
internal static partial class PromptTokenizer
{
    public static TokenizedPrompt Tokenize(string text)
    {
        var normalised = Normalise(text);
        var quotes = FindQuotes(normalised);
        var operators = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var words = SplitWords(ExtractOperators(normalised, operators));
        return new TokenizedPrompt(
            words,
            quotes,
            operators.ToImmutableSortedDictionary(o => o.Key, o => o.Value.ToImmutableSortedSet(StringComparer.Ordinal), StringComparer.Ordinal));
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

    private static ImmutableArray<string> FindQuotes(string text) =>
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

    private static ImmutableArray<PromptWord> SplitWords(string text)
    {
        var words = ImmutableArray.CreateBuilder<PromptWord>();
        foreach (Match match in WordPattern().Matches(text))
        {
            var startsSentence = StartsSentence(text, match.Index);
            var token = match.Value.TrimEnd('\'');
            if (NumberPattern().IsMatch(token))
            {
                words.Add(new PromptWord(token, token, token, startsSentence, false, true));
                continue;
            }

            var parts = token.Split(['-', '/'], StringSplitOptions.RemoveEmptyEntries);
            for (var p = 0; p < parts.Length; p++)
            {
                AddPart(parts[p], startsSentence && p == 0, p > 0, words);
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

        return words.DrainToImmutable();
    }

    private static void AddPart(string part, bool startsSentence, bool afterHyphen, ImmutableArray<PromptWord>.Builder words)
    {
        if (NumberPattern().IsMatch(part))
        {
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
                // "4h" is "4 hour"; "10k" is "10 thousand" (NumberReader scales it); "1st" is "1".
                words.Add(new PromptWord(number, number, number, startsSentence, afterHyphen, true));
                if (!string.IsNullOrEmpty(unit))
                {
                    words.Add(new PromptWord(unit, unit, unit, false, false, false));
                }

                return;
            }
        }

        var key = part.ToLowerInvariant();
        if (key.EndsWith("'s", StringComparison.Ordinal))
        {
            key = key[..^2];
        }

        words.Add(new PromptWord(part, key, Stem(key), startsSentence, afterHyphen, false));
    }

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
}
