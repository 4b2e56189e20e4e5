namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>A semantic lookup: the prompt and how close a cached prompt must be to answer it.</summary>
/// <param name="Prompt">The new prompt.</param>
/// <param name="Threshold">The lowest cosine similarity that may be a hit (0.85 by default on the client).</param>
/// <param name="UseGuard">Whether the precision guard checks candidates above the threshold.</param>
/// <param name="Candidates">How many of the nearest cached prompts are checked, best first, before giving up.</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticQuery")]
public sealed record SemanticQuery(
    [property: Id(0)] SemanticPrompt Prompt,
    [property: Id(1)] float Threshold,
    [property: Id(2)] bool UseGuard,
    [property: Id(3)] int Candidates)
{
    /// <summary>
    /// The prompt's vector when the application embedded it (on the app server, with its own model): the silo searches
    /// with it instead of embedding the prompt. <see langword="null"/>: the silo embeds with its built-in model.
    /// </summary>
    [Id(4)]
    public float[]? Vector { get; init; }

    /// <summary>
    /// The calibrated decision's probability target: a candidate above the threshold is a hit when the model's probability
    /// that its answer serves the prompt is at least this. <see langword="null"/> decides by the guard's rules alone (what
    /// a client of an earlier version, which does not send it, gets).
    /// </summary>
    [Id(5)]
    public double? MinimumProbability { get; init; }

    /// <summary>
    /// The most the scope's reported wrong hits may be, as a rate (for example 0.05): the silo raises the scope's
    /// probability target above <see cref="MinimumProbability"/> as far as its feedback requires. <see langword="null"/>:
    /// no adaptation.
    /// </summary>
    [Id(6)]
    public double? MaxErrorRate { get; init; }
}
