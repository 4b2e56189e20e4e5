namespace OrleansLlmCache.Grains.Semantic;

/// <summary>One report on a served semantic hit, as its scope keeps it for adaptation.</summary>
/// <param name="Probability">The calibrated decision's probability the hit was served at.</param>
/// <param name="Wrong">Whether it was reported wrong.</param>
/// <param name="At">When it was reported.</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticFeedbackReport")]
public sealed record SemanticFeedbackReport(
    [property: Id(0)] double Probability,
    [property: Id(1)] bool Wrong,
    [property: Id(2)] DateTimeOffset At);
