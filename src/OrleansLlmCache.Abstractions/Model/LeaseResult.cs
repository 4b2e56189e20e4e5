namespace OrleansLlmCache.Abstractions.Model;

/// <summary>The answer to <see cref="Entries.ICacheEntryGrain.GetOrLeaseAsync"/>.</summary>
/// <param name="Status">Hit, lease granted, or still pending elsewhere.</param>
/// <param name="Entry">
/// The live entry when <paramref name="Status"/> is <see cref="LeaseStatus.Hit"/>; the expired one, served stale, when it
/// is <see cref="LeaseStatus.Stale"/>.
/// </param>
/// <param name="LeaseId">The lease to complete or release when <paramref name="Status"/> is <see cref="LeaseStatus.Granted"/>.</param>
/// <param name="Coalesced">True when the hit was produced by another caller's origin call while this one waited.</param>
/// <param name="Versions">With a granted lease: the dependency versions when the computation begins; pass them back on completion.</param>
[GenerateSerializer, Immutable, Alias("llmcache.LeaseResult")]
public sealed record LeaseResult(
    [property: Id(0)] LeaseStatus Status,
    [property: Id(1)] CacheEntry? Entry = null,
    [property: Id(2)] Guid LeaseId = default,
    [property: Id(3)] bool Coalesced = false,
    [property: Id(4)] IReadOnlyDictionary<string, long>? Versions = null);
