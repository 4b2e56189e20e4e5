namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>A newly stored entry to add to its scope's index.</summary>
/// <param name="Prompt">The prompt, its exact key (where the answer is stored) and its scope.</param>
/// <param name="Vector">Its embedding from the lookup that missed, or <see langword="null"/> to embed it again.</param>
/// <param name="TimeToLive">The entry's time to live; <see langword="null"/> for no expiry.</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticRegistration")]
public sealed record SemanticRegistration(
    [property: Id(0)] SemanticPrompt Prompt,
    [property: Id(1)] float[]? Vector,
    [property: Id(2)] TimeSpan? TimeToLive)
{
    /// <summary>
    /// The model that made <see cref="Vector"/> when the application embedded the prompt on the app server;
    /// <see langword="null"/> when the vector is the silo's own (or is to be made by it).
    /// </summary>
    [Id(3)]
    public string? Embedder { get; init; }
}
