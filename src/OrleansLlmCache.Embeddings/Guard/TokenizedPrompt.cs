using System.Collections.Immutable;

namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>What <see cref="PromptTokenizer"/> reads from a prompt's text: its words in order, and the two marks that must
/// be lifted out of the text before it is split into words.</summary>
/// <param name="Words">The words; a word's index in this list is its position for every other analyzer.</param>
/// <param name="Quotes">Quoted and code-quoted passages, as written inside the quote marks.</param>
/// <param name="Operators">Search operators, key to its values ("site" → {"docs.python.org"}).</param>
internal sealed record TokenizedPrompt(
    ImmutableArray<PromptWord> Words,
    ImmutableArray<string> Quotes,
    ImmutableSortedDictionary<string, ImmutableSortedSet<string>> Operators);
