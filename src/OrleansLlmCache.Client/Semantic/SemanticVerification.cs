namespace OrleansLlmCache.Client.Semantic;

/// <summary>A semantic hit candidate for the verifier to judge (<see cref="SemanticCacheOptions.Verifier"/>).</summary>
/// <param name="Namespace">The namespace of the request.</param>
/// <param name="Prompt">The new prompt.</param>
/// <param name="CachedPrompt">The cached prompt whose answer would be served.</param>
/// <param name="Score">Their cosine similarity.</param>
public sealed record SemanticVerification(string Namespace, string Prompt, string CachedPrompt, float Score);
