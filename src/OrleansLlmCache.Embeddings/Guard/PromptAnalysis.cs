using System.Collections.Immutable;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>What the guard's rules read from one prompt: the output of each analyzer, run once over the prompt's words.
/// Pure and thread-safe.</summary>
internal sealed class PromptAnalysis
{
    private readonly WordForms _forms;

    private PromptAnalysis(string text)
    {
        var tokens = PromptTokenizer.Tokenize(text);
        Words = tokens.Words;
        Quotes = tokens.Quotes;
        Operators = tokens.Operators;
        Numbers = NumberReader.Read(Words);
        Negations = NegationScoper.Find(Words);
        Terms = TermMatcher.Find(Words);
        Directions = DirectionFinder.Find(Words, Terms);
        Names = NameDetector.Find(Words);
        _forms = new WordForms(Words);
    }

    public IReadOnlyList<PromptWord> Words { get; }

    /// <summary>Numbers in a canonical form ("1,000" and "one thousand" are "1000"; "v2.10.0" is "2.10").</summary>
    public ImmutableSortedSet<string> Numbers { get; }

    public IReadOnlyList<Negation> Negations { get; }

    public IReadOnlyList<string> Quotes { get; }

    /// <summary>Search operators: key to its values ("site" → {"docs.python.org"}).</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedSet<string>> Operators { get; }

    public IReadOnlyList<TermMention> Terms { get; }

    public IReadOnlyList<DirectedPair> Directions { get; }

    public IReadOnlyList<PromptWord> Names { get; }

    public static PromptAnalysis Of(string text) => new(text);

    /// <inheritdoc cref="WordForms.Contains"/>
    public bool Contains(PromptWord word) => _forms.Contains(word);

    /// <inheritdoc cref="NameDetector.Expansion"/>
    public IReadOnlyList<PromptWord> Expansion(string acronym) => NameDetector.Expansion(Words, acronym);
}
