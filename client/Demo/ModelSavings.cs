namespace OrleansLlmCache.Cli.Demo;

/// <summary>Tokens and dollars for one model: what the hits saved and what the misses paid.</summary>
internal sealed record ModelSavings(string Model, long InputTokensSaved, long OutputTokensSaved, decimal DollarsSaved, decimal DollarsSpent, bool Priced);
