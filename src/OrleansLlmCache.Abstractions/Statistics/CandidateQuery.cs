namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>Which warming candidates to list.</summary>
/// <param name="Threshold">Keys that missed at least this many times.</param>
/// <param name="Limit">At most this many, most missed first.</param>
/// <param name="Tenant">Only keys of this tenant; <see langword="null"/> for every tenant.</param>
/// <param name="ReplayableOnly">Only keys whose missed request was recorded, so that a warmer can send it again.</param>
[GenerateSerializer, Immutable, Alias("llmcache.CandidateQuery")]
public sealed record CandidateQuery(
    [property: Id(0)] long Threshold,
    [property: Id(1)] int Limit = 100,
    [property: Id(2)] string? Tenant = null,
    [property: Id(3)] bool ReplayableOnly = false);
