namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>Two prompts and whether one's cached answer may be served for the other.</summary>
/// <param name="Prompt">The new prompt (CSV <c>sentence1</c>, GPTCache <c>origin</c>).</param>
/// <param name="CachedPrompt">The prompt whose answer is cached (CSV <c>sentence2</c>, GPTCache <c>similar</c>).</param>
/// <param name="SameMeaning">True when the answer may be reused (CSV label 1; every GPTCache pair).</param>
public sealed record SemanticPair(string Prompt, string CachedPrompt, bool SameMeaning);
