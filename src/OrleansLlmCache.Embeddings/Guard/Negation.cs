namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>A prompt negates <paramref name="Scope"/> with <paramref name="Cue"/> ("not", "without", "nut-free").</summary>
internal sealed record Negation(string Cue, PromptWord Scope);
