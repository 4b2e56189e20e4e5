using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>
/// Makes labelled training pairs from one public prompt by controlled edits: hard negatives that change one thing the
/// answer depends on (a number, a unit, negation, a name, a direction, a time, a comparative, a quantifier, an opposite)
/// and positives that change nothing that matters (case, end punctuation, contractions, safe synonyms). Deterministic:
/// the edits are chosen by a seed derived from the prompt's text.
/// </summary>
internal static partial class PromptPerturber
{
    // Each pair is swapped both ways; the first form found in the prompt is replaced.
    private static readonly (string Kind, string[] Pairs)[] Swaps =
    [
        ("unit", ["hours:minutes", "hour:minute", "days:weeks", "day:week", "months:years", "month:year", "seconds:milliseconds",
            "kilometers:miles", "km:miles", "kilograms:pounds", "kg:lbs", "meters:feet", "dollars:euros", "USD:EUR", "GBP:JPY",
            "GB:MB", "Celsius:Fahrenheit", "liters:gallons", "bytes:bits"]),
        ("time", ["today:tomorrow", "yesterday:today", "morning:evening", "daily:weekly", "weekly:monthly", "monthly:yearly",
            "past:future", "last:next", "summer:winter", "spring:autumn", "Monday:Friday", "Tuesday:Sunday", "January:July",
            "March:October", "before:after", "earlier:later", "night:day"]),
        ("comparative", ["more:less", "faster:slower", "larger:smaller", "bigger:smaller", "higher:lower", "better:worse",
            "cheaper:more expensive", "increase:decrease", "increases:decreases", "increasing:decreasing", "most:least",
            "best:worst", "maximum:minimum", "longer:shorter", "easier:harder", "newer:older", "above:below", "over:under",
            "stronger:weaker", "heavier:lighter", "hotter:colder", "richer:poorer", "safer:riskier"]),
        ("quantifier", ["all:some", "every:no", "many:few", "always:never", "everyone:no one", "everything:nothing",
            "both:neither", "often:rarely", "majority:minority", "most:few"]),
        ("opposite", ["add:remove", "enable:disable", "open:close", "start:stop", "buy:sell", "import:export", "input:output",
            "first:last", "upload:download", "encrypt:decrypt", "include:exclude", "allow:block", "public:private",
            "true:false", "success:failure", "positive:negative", "advantages:disadvantages", "pros:cons", "create:delete",
            "win:lose", "accept:reject", "increase:reduce", "inside:outside", "internal:external", "male:female",
            "north:south", "east:west", "left:right", "online:offline", "client:server", "read:write", "send:receive",
            "supervised:unsupervised", "synonym:antonym", "ascending:descending", "beginner:advanced", "formal:informal"]),
    ];

    private static readonly string[] NegationAdds = ["is:is not", "are:are not", "can:cannot", "was:was not", "will:will not",
        "should:should not", "does:does not", "has:has not", "with:without"];

    private static readonly string[] NegationRemovals = ["is not:is", "are not:are", "cannot:can", "can't:can", "doesn't:does",
        "don't:do", "isn't:is", "aren't:are", "won't:will", "without:with", "not:", "never:always", "no:some"];

    private static readonly string[] Contractions = ["do not:don't", "does not:doesn't", "is not:isn't", "are not:aren't",
        "cannot:can't", "it is:it's", "what is:what's", "I am:I'm", "you are:you're", "will not:won't", "that is:that's"];

    private static readonly string[] SafeSynonyms = ["big:large", "buy:purchase", "help:assist", "use:utilize", "show:display",
        "begin:start", "get:obtain", "find:locate", "fix:repair", "choose:select", "need:require", "method:approach",
        "tell me:explain", "how do I:how can I", "quickly:rapidly", "car:automobile", "kids:children", "answer:reply",
        "provides:offers", "allows:enables", "helps:assists", "important:significant", "improve:enhance", "shows:demonstrates"];

    private static readonly string[] NumberWords = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "hundred"];

    /// <summary>A hard negative or a harmless rewrite of a prompt.</summary>
    public sealed record Perturbation(string Text, bool SameMeaning, string Kind);

    /// <summary>Up to <paramref name="negatives"/> hard negatives of different kinds and up to <paramref name="positives"/>
    /// harmless rewrites of <paramref name="prompt"/>. <paramref name="names"/> supplies other names for entity swaps.</summary>
    public static IReadOnlyList<Perturbation> Perturb(string prompt, IReadOnlyList<string> names, int negatives = 3, int positives = 1)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var random = new Random(StableSeed(prompt));
        var candidates = new List<Perturbation>();
        AddIfChanged(candidates, prompt, ChangeNumber(prompt, random), "number");
        AddIfChanged(candidates, prompt, FlipNegation(prompt), "negation");
        AddIfChanged(candidates, prompt, SwapName(prompt, names, random), "entity");
        AddIfChanged(candidates, prompt, ReverseDirection(prompt), "direction");
        foreach (var (kind, pairs) in Swaps)
        {
            AddIfChanged(candidates, prompt, SwapFirst(prompt, pairs, random), kind);
        }

        var result = Shuffle(candidates, random).Take(negatives).ToList();
        var rewrites = new List<Perturbation>();
        AddIfChanged(rewrites, prompt, Replace(prompt, Contractions, both: true), "contraction", sameMeaning: true);
        AddIfChanged(rewrites, prompt, SwapFirst(prompt, SafeSynonyms, random), "synonym", sameMeaning: true);
        AddIfChanged(rewrites, prompt, Restyle(prompt, random), "style", sameMeaning: true);
        result.AddRange(Shuffle(rewrites, random).Take(positives));
        return result;
    }

    /// <summary>Capitalised words inside a sentence: the pool <see cref="Perturb"/> swaps names from.</summary>
    public static IEnumerable<string> NamesIn(string prompt) =>
        NameWord().Matches(prompt).Select(m => m.Value).Where(w => w.Length > 2);

    private static void AddIfChanged(List<Perturbation> list, string original, string? changed, string kind, bool sameMeaning = false)
    {
        if (changed is not null && !string.Equals(changed.Trim(), original.Trim(), StringComparison.Ordinal))
        {
            list.Add(new Perturbation(changed, sameMeaning, kind));
        }
    }

    private static string? ChangeNumber(string prompt, Random random)
    {
        var numbers = Number().Matches(prompt);
        if (numbers.Count > 0)
        {
            var match = numbers[random.Next(numbers.Count)];
            var value = decimal.Parse(match.Value, CultureInfo.InvariantCulture);
            var changed = value is >= 1900 and <= 2100 && match.Value.Length == 4
                ? value + random.Next(1, 6) * (random.Next(2) == 0 ? -1 : 1)
                : value * random.Next(2, 5) + random.Next(1, 4);
            return string.Concat(prompt.AsSpan(0, match.Index), changed.ToString(CultureInfo.InvariantCulture), prompt.AsSpan(match.Index + match.Length));
        }

        return SwapFirst(prompt, [.. NumberWords.Zip(NumberWords.Skip(1), (a, b) => $"{a}:{b}")], random);
    }

    private static string? FlipNegation(string prompt) => Replace(prompt, NegationRemovals, both: false) ?? Replace(prompt, NegationAdds, both: false);

    private static string? SwapName(string prompt, IReadOnlyList<string> names, Random random)
    {
        var own = NamesIn(prompt).ToList();
        if (own.Count == 0 || names.Count == 0)
        {
            return null;
        }

        var target = own[random.Next(own.Count)];
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var replacement = names[random.Next(names.Count)];
            if (!own.Contains(replacement, StringComparer.OrdinalIgnoreCase))
            {
                return Regex.Replace(prompt, $@"\b{Regex.Escape(target)}\b", replacement);
            }
        }

        return null;
    }

    private static string? ReverseDirection(string prompt)
    {
        var match = FromTo().Match(prompt);
        if (!match.Success)
        {
            match = XToY().Match(prompt);
        }

        if (!match.Success || string.Equals(match.Groups["a"].Value, match.Groups["b"].Value, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var a = match.Groups["a"];
        var b = match.Groups["b"];
        return prompt[..a.Index] + b.Value + prompt[(a.Index + a.Length)..b.Index] + a.Value + prompt[(b.Index + b.Length)..];
    }

    /// <summary>Replaces the first pair (in a random order) whose one side is in the prompt with its other side.</summary>
    private static string? SwapFirst(string prompt, string[] pairs, Random random)
    {
        foreach (var pair in Shuffle(pairs, random))
        {
            var (a, b) = Split(pair);
            if (ReplaceWord(prompt, a, b) is { } forward)
            {
                return forward;
            }

            if (b.Length > 0 && ReplaceWord(prompt, b, a) is { } backward)
            {
                return backward;
            }
        }

        return null;
    }

    private static string? Replace(string prompt, string[] pairs, bool both)
    {
        foreach (var pair in pairs)
        {
            var (a, b) = Split(pair);
            if (ReplaceWord(prompt, a, b) is { } forward)
            {
                return forward;
            }

            if (both && ReplaceWord(prompt, b, a) is { } backward)
            {
                return backward;
            }
        }

        return null;
    }

    private static string? ReplaceWord(string prompt, string from, string to)
    {
        var match = Regex.Match(prompt, $@"(?<![\w'-]){Regex.Escape(from)}(?![\w'-])", RegexOptions.IgnoreCase);
        if (!match.Success)
        {
            return null;
        }

        var replacement = to.Length > 0 && char.IsUpper(match.Value[0]) && !char.IsUpper(to[0]) ? char.ToUpperInvariant(to[0]) + to[1..] : to;
        var result = string.Concat(prompt.AsSpan(0, match.Index), replacement, prompt.AsSpan(match.Index + match.Length));
        return MultipleSpaces().Replace(result, " ").Trim();
    }

    private static string Restyle(string prompt, Random random)
    {
        var trimmed = prompt.TrimEnd('.', '?', '!', ' ');
        return random.Next(3) switch
        {
            0 => trimmed.ToLowerInvariant(),
            1 => trimmed,
            _ => prompt.EndsWith('?') ? trimmed : char.ToUpperInvariant(prompt[0]) + prompt[1..].TrimEnd('.') + (prompt.EndsWith('.') ? string.Empty : "."),
        };
    }

    private static (string A, string B) Split(string pair)
    {
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        return (pair[..colon], pair[(colon + 1)..]);
    }

    private static IEnumerable<T> Shuffle<T>(IReadOnlyList<T> items, Random random)
    {
        var copy = items.ToArray();
        random.Shuffle(copy);
        return copy;
    }

    /// <summary>FNV-1a over the text: the same prompt gets the same edits on every machine and run.</summary>
    private static int StableSeed(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    [GeneratedRegex(@"(?<![\w.])\d+(?:\.\d+)?(?![\w.]*\d)")]
    private static partial Regex Number();

    [GeneratedRegex(@"(?<=\w[\w,;:]* )[A-Z][a-zA-Z]+")]
    private static partial Regex NameWord();

    [GeneratedRegex(@"\bfrom (?<a>[\w#+.-]+) to (?<b>[\w#+.-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex FromTo();

    [GeneratedRegex(@"\b(?<a>[A-Z][\w#+.-]*|[\w#+.-]*\d[\w#+.-]*) (?:to|into|→|->) (?<b>[A-Z][\w#+.-]*)")]
    private static partial Regex XToY();

    [GeneratedRegex(@" {2,}")]
    private static partial Regex MultipleSpaces();
}
