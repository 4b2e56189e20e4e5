namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>One word of a prompt as the guard sees it.</summary>
/// <param name="Text">The word as written (a part of a hyphenated word is its own word).</param>
/// <param name="Key">Lower case, possessive "'s" removed.</param>
/// <param name="Stem">The key without a plural ending ("hours" → "hour").</param>
/// <param name="StartsSentence">The word opens the prompt or a sentence, so a capital letter says nothing about it.</param>
/// <param name="AfterHyphen">The word followed a hyphen inside a compound ("free" in "nut-free").</param>
/// <param name="IsNumber">The word is written in digits.</param>
/// <param name="EndsClause">Punctuation follows the word ("No," is an answer particle, not a negation of what follows).</param>
internal sealed record PromptWord(string Text, string Key, string Stem, bool StartsSentence, bool AfterHyphen, bool IsNumber, bool EndsClause = false)
{
    public bool IsCapitalised => Text.Length > 0 && char.IsUpper(Text[0]);
}
