namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>A prompt mentions a member (<paramref name="Group"/>) of a <see cref="ContrastSet"/>, at word <paramref name="Position"/>.</summary>
internal sealed record TermMention(ContrastSet Set, int Group, string Surface, int Position);
