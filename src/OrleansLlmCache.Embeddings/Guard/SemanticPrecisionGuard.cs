using System.Globalization;
using OrleansLlmCache.Embeddings.Matching;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>
/// Decides whether the answer cached for one prompt may be served for a near neighbour. A cosine threshold alone lets
/// about one hard negative in five through ("under 4 hours" scores 0.97 against "under 8 hours"); the guard rejects
/// neighbours that differ in what changes the answer, and says which rule did. Rules, not a learned model: every
/// refusal can be explained and every rule is documented in docs/semantic-guard.md.
/// </summary>
/// <remarks>Thread-safe and allocation-light enough to run on every candidate of a lookup.</remarks>
public sealed class SemanticPrecisionGuard
{
    // Most specific and most certain first: the first rule that fires is the one a hit report shows.
    private static readonly Func<PromptAnalysis, PromptAnalysis, (GuardReason, string)?>[] Rules =
    [
        GuardRules.Numbers,
        GuardRules.Negation,
        GuardRules.SearchOperators,
        GuardRules.Directions,
        GuardRules.ContrastingTerms,
        GuardRules.QuotedText,
        GuardRules.Names,
    ];

    private readonly SemanticMatchOptions _options;

    /// <summary>Creates the guard with <paramref name="options"/> (the shipped defaults when null).</summary>
    public SemanticPrecisionGuard(SemanticMatchOptions? options = null)
    {
        _options = options ?? new SemanticMatchOptions();
        _options.Validate();
    }

    /// <summary>The options in force.</summary>
    public SemanticMatchOptions Options => _options;

    /// <summary>Whether the answer cached for <paramref name="cachedPrompt"/> may be served for <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The new prompt.</param>
    /// <param name="cachedPrompt">The prompt whose answer is cached.</param>
    /// <param name="similarity">The cosine similarity of the two prompts' embeddings.</param>
    public SemanticMatchDecision Decide(string prompt, string cachedPrompt, float similarity)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(cachedPrompt);
        if (!(similarity >= _options.Threshold))
        {
            return new SemanticMatchDecision(false, similarity, GuardReason.BelowThreshold,
                string.Create(CultureInfo.InvariantCulture, $"similarity {similarity:0.000} is below the threshold {_options.Threshold:0.00}"));
        }

        if (!_options.UseGuard)
        {
            return new SemanticMatchDecision(true, similarity, GuardReason.None, string.Empty);
        }

        if (_options.MinimumProbability is { } target)
        {
            return DecideCalibrated(MatchModel.Shipped, MatchSignals.Of(prompt, cachedPrompt, similarity), similarity, target);
        }

        var (reason, explanation) = Check(prompt, cachedPrompt);
        return new SemanticMatchDecision(reason == GuardReason.None, similarity, reason, explanation);
    }

    /// <summary>The calibrated decision on a candidate above the threshold: a hit when <paramref name="model"/>'s probability
    /// reaches <paramref name="target"/>; a refusal names the signal that pulled the probability down the most.</summary>
    internal static SemanticMatchDecision DecideCalibrated(MatchModel model, MatchSignals signals, float similarity, double target)
    {
        var probability = model.Probability(signals.Values);
        if (probability >= target)
        {
            return new SemanticMatchDecision(true, similarity, GuardReason.None, string.Empty) { Probability = probability };
        }

        var deciding = model.DecidingFeature(signals.Values);
        var (reason, what) = deciding switch
        {
            > 0 when deciding <= MatchSignals.RuleFeatures.Count
                && signals.Findings.TryGetValue(MatchSignals.RuleFeatures[deciding - 1], out var finding) => (MatchSignals.RuleFeatures[deciding - 1], finding),
            > MatchSignals.RuleFeaturesEnd when signals.Wording.Length > 0 => (GuardReason.Wording, signals.Wording),
            _ => (GuardReason.BelowThreshold, string.Create(CultureInfo.InvariantCulture, $"similarity {similarity:0.000} is too low")),
        };
        return new SemanticMatchDecision(false, similarity, reason,
            string.Create(CultureInfo.InvariantCulture, $"{what} (probability {probability:0.00}, below {target:0.00})")) { Probability = probability };
    }

    /// <summary>Runs the rules alone (no threshold): <see cref="GuardReason.None"/> when nothing that changes the answer differs.</summary>
    public static (GuardReason Reason, string Explanation) Check(string prompt, string cachedPrompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(cachedPrompt);
        var fresh = PromptAnalysis.Of(prompt);
        var cached = PromptAnalysis.Of(cachedPrompt);
        foreach (var rule in Rules)
        {
            if (rule(fresh, cached) is { } finding)
            {
                return finding;
            }
        }

        return (GuardReason.None, string.Empty);
    }
}
