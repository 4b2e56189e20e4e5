namespace OrleansLlmCache.Embeddings.Guard;

/// <summary>"from <paramref name="From"/> to <paramref name="To"/>": two endpoints in order, each a term id or a word stem.</summary>
internal sealed record DirectedPair(string From, string To, string FromText, string ToText);
