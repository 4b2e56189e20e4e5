namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>Why a near neighbour may not reuse the cached answer, or <see cref="None"/> when it may.</summary>
/// <remarks>Each value is one rule of <see cref="SemanticPrecisionGuard"/>; docs/semantic-guard.md describes them.</remarks>
public enum GuardReason
{
    /// <summary>The cached answer may be reused.</summary>
    None = 0,

    /// <summary>The cosine similarity is below the threshold.</summary>
    BelowThreshold,

    /// <summary>The prompts name different numbers, years, versions or dates ("under 4 hours" vs "under 8 hours").</summary>
    Number,

    /// <summary>The prompts name different units or currencies ("€30" vs "$30", "hours" vs "minutes").</summary>
    Unit,

    /// <summary>One prompt is negated and the other is not ("with" vs "without", "is" vs "isn't").</summary>
    Negation,

    /// <summary>Each prompt names something the other does not: a proper name, product, acronym or identifier.</summary>
    Entity,

    /// <summary>A quoted or code-quoted text of one prompt is missing from the other.</summary>
    QuotedText,

    /// <summary>Opposite comparisons or bounds ("cheaper" vs "more expensive", "at least" vs "at most", "before" vs "after").</summary>
    Comparison,

    /// <summary>Different ranking criteria ("nearest" vs "cheapest", "best" vs "worst", "latest" vs "oldest").</summary>
    Ranking,

    /// <summary>The same two things in opposite directions ("USD to EUR" vs "EUR to USD", "from svn to git" vs "from git to svn").</summary>
    Direction,

    /// <summary>
    /// Different members of a closed set of alternatives or an opposite pair: programming languages, operating systems,
    /// file formats, months, skill levels, "ascending" vs "descending", "synonyms" vs "antonyms", ...
    /// </summary>
    Term,

    /// <summary>The same search operator with different values ("site:a.com" vs "site:b.com", "sort:recent" vs "sort:top").</summary>
    SearchOperator,

    /// <summary>
    /// The calibrated decision found too much of one prompt's wording missing from the other ("'salmon' (new) vs 'tuna'
    /// (cached)"): different questions on one subject.
    /// </summary>
    Wording,
}
