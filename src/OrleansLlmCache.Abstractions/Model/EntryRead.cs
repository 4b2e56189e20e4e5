namespace OrleansLlmCache.Abstractions.Model;

/// <summary>The answer to <see cref="Entries.ICacheEntryGrain.ReadAsync"/>: the live entry, and which silo holds it.</summary>
/// <param name="Entry">The live entry, or null when there is none or it has expired.</param>
/// <param name="Silo">The silo of the activation that answered.</param>
[GenerateSerializer, Immutable, Alias("llmcache.EntryRead")]
public sealed record EntryRead(
    [property: Id(0)] CacheEntry? Entry,
    [property: Id(1)] SiloAddress Silo);
