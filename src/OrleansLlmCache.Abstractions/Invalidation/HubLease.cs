namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>
/// The hub's answer to a subscription: the number of the last broadcast sent (one still being stored is sent to this
/// subscriber next) and how long the subscriber may trust its copies.
/// </summary>
[GenerateSerializer, Immutable, Alias("llmcache.HubLease")]
public sealed record HubLease(
    [property: Id(0)] long Sequence,
    [property: Id(1)] TimeSpan Duration);
