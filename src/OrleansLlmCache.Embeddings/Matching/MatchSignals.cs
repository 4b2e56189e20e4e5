using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Embeddings.Matching;

/// <summary>
/// What the calibrated decision reads from a pair of prompts: their cosine similarity, which of the guard's rules fire
/// (all of them, not only the first), and how much of each prompt's wording the other lacks. Each value is a feature of
/// <see cref="MatchModel"/>; each rule keeps its one-line explanation, so a refusal can still say what differed.
/// </summary>
internal sealed class MatchSignals
{
    /// <summary>The features in the order of <see cref="Values"/>; the model file names them so a mismatch is caught on load.</summary>
    public static readonly IReadOnlyList<string> FeatureNames =
    [
        "cosine", "number", "negation", "search-operator", "direction", "unit", "comparison", "ranking", "term",
        "quoted-text", "entity", "unshared-words-min", "unshared-words-max", "length-ratio",
    ];

    /// <summary>The rule behind each rule feature, in <see cref="FeatureNames"/> order from index 1.</summary>
    public static readonly IReadOnlyList<GuardReason> RuleFeatures =
    [
        GuardReason.Number, GuardReason.Negation, GuardReason.SearchOperator, GuardReason.Direction, GuardReason.Unit,
        GuardReason.Comparison, GuardReason.Ranking, GuardReason.Term, GuardReason.QuotedText, GuardReason.Entity,
    ];

    /// <summary>The index of the last rule feature; the wording features follow it.</summary>
    public const int RuleFeaturesEnd = 10;

    /// <summary>The feature values of a prompt compared with itself: the point every contribution is measured from.</summary>
    public static readonly IReadOnlyList<double> Identical = [1.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private MatchSignals(double[] values, IReadOnlyDictionary<GuardReason, string> findings, string wording)
    {
        Values = values;
        Findings = findings;
        Wording = wording;
    }

    /// <summary>One value per <see cref="FeatureNames"/>.</summary>
    public double[] Values { get; }

    /// <summary>Every rule that fired, with its explanation.</summary>
    public IReadOnlyDictionary<GuardReason, string> Findings { get; }

    /// <summary>What the wording features saw ("'salmon' (new) vs 'tuna' (cached)"), empty when the words match.</summary>
    public string Wording { get; }

    public static MatchSignals Of(string prompt, string cachedPrompt, float similarity) =>
        Of(PromptAnalysis.Of(prompt), PromptAnalysis.Of(cachedPrompt), similarity);

    public static MatchSignals Of(PromptAnalysis fresh, PromptAnalysis cached, float similarity)
    {
        var findings = new Dictionary<GuardReason, string>();
        Add(findings, GuardRules.Numbers(fresh, cached));
        Add(findings, GuardRules.Negation(fresh, cached));
        Add(findings, GuardRules.SearchOperators(fresh, cached));
        Add(findings, GuardRules.Directions(fresh, cached));
        foreach (var finding in GuardRules.AllContrastingTerms(fresh, cached))
        {
            Add(findings, finding);
        }

        Add(findings, GuardRules.QuotedText(fresh, cached));
        Add(findings, GuardRules.Names(fresh, cached));

        var values = new double[FeatureNames.Count];
        values[0] = similarity;
        for (var i = 0; i < RuleFeatures.Count; i++)
        {
            values[i + 1] = findings.ContainsKey(RuleFeatures[i]) ? 1 : 0;
        }

        var (freshShare, freshMissing) = Unshared(fresh, cached);
        var (cachedShare, cachedMissing) = Unshared(cached, fresh);
        values[^3] = Math.Min(freshShare, cachedShare);
        values[^2] = Math.Max(freshShare, cachedShare);
        values[^1] = Math.Abs(Math.Log((fresh.Words.Count + 1.0) / (cached.Words.Count + 1.0)));
        return new MatchSignals(values, findings, Describe(freshMissing, cachedMissing));
    }

    private static void Add(Dictionary<GuardReason, string> findings, (GuardReason Reason, string Explanation)? finding)
    {
        if (finding is { } found)
        {
            findings.TryAdd(found.Reason, found.Explanation);
        }
    }

    /// <summary>The share of <paramref name="words"/>' content words that <paramref name="other"/> lacks, and the first few of them.</summary>
    private static (double Share, List<string> Missing) Unshared(PromptAnalysis words, PromptAnalysis other)
    {
        var content = 0;
        var missing = new List<string>();
        foreach (var word in words.Words)
        {
            if (!ContentWords.IsContent(word))
            {
                continue;
            }

            content++;
            if (!other.Contains(word))
            {
                missing.Add(word.Text);
            }
        }

        return (content == 0 ? 0 : (double)missing.Count / content, missing);
    }

    private static string Describe(List<string> freshMissing, List<string> cachedMissing) => (freshMissing.Count, cachedMissing.Count) switch
    {
        (0, 0) => string.Empty,
        (> 0, > 0) => $"wording differs: {Quote(freshMissing)} (new) vs {Quote(cachedMissing)} (cached)",
        (> 0, _) => $"{Quote(freshMissing)} only in the new prompt",
        _ => $"{Quote(cachedMissing)} only in the cached prompt",
    };

    private static string Quote(List<string> words) =>
        string.Join(", ", words.Take(3).Select(w => $"'{w}'")) + (words.Count > 3 ? $" and {words.Count - 3} more" : string.Empty);
}
