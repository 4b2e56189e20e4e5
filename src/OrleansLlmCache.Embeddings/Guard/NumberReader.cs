using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Reads the numbers a prompt names, in one canonical form each, so "1,000", "1000" and "one thousand" compare
/// equal and "4" and "8" do not.</summary>
internal static partial class NumberReader
{
    /// <summary>Numbers in digits (with the ones inside identifiers: "gpt-4o", "mp3", "v3.2"), digits scaled by the next
    /// word ("5 million", "10k"), and numbers spelled out ("twenty five", "a hundred", "third").</summary>
    public static ImmutableSortedSet<string> Read(IReadOnlyList<PromptWord> words)
    {
        var numbers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            if (word.IsNumber)
            {
                numbers.Add(Canonical(word.Text));
            }
            else if (word.Text.Any(char.IsAsciiDigit) && !NumeronymPattern().IsMatch(word.Text))
            {
                // Identifiers with digits carry their number; numeronyms ("k8s", "i18n") do not.
                foreach (Match digits in DigitRunPattern().Matches(word.Text))
                {
                    numbers.Add(Canonical(digits.Value));
                }
            }
        }

        ReadScaledAndSpelled(words, numbers);
        return numbers.ToImmutableSortedSet(StringComparer.Ordinal);
    }

    /// <summary>"1,000" → "1000", "4.50" → "4.5", "07" → "7", "v2.10.0" → "2.10"; dates and times stay as written.</summary>
    private static string Canonical(string number)
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

    private static void ReadScaledAndSpelled(IReadOnlyList<PromptWord> words, SortedSet<string> numbers)
    {
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.IsNumber)
            {
                // "5 million", "10k": a number written in digits and scaled by the next word replaces the digits.
                if (i + 1 < words.Count && GuardLexicon.Multipliers.TryGetValue(words[i + 1].Key, out var scale)
                    && decimal.TryParse(Canonical(word.Text), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    numbers.Remove(Canonical(word.Text));
                    numbers.Add((value * scale).ToString(CultureInfo.InvariantCulture));
                    i++;
                }

                continue;
            }

            var scaledByArticle = word.Key is "a" or "an" && i + 1 < words.Count && GuardLexicon.Multipliers.ContainsKey(words[i + 1].Key);
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

            for (; j < words.Count; j++)
            {
                var key = words[j].Key;
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
                else if (key != "and" || j + 1 >= words.Count || !GuardLexicon.NumberWords.ContainsKey(words[j + 1].Key))
                {
                    break;
                }
            }

            numbers.Add((total + current).ToString(CultureInfo.InvariantCulture));
            i = j - 1;
        }
    }

    [GeneratedRegex(@"^[A-Za-z]\d+[A-Za-z]$")]
    private static partial Regex NumeronymPattern();

    [GeneratedRegex(@"\d+(?:\.\d+)*")]
    private static partial Regex DigitRunPattern();

    [GeneratedRegex(@"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")]
    private static partial Regex ThousandsPattern();
}
