namespace OrleansLlmCache.Abstractions.Model;

/// <summary>The answer to <see cref="Entries.IEntryReaderGrain.GetManyAsync"/>.</summary>
/// <param name="Silo">The silo that answered: the client sends later reads of keys held there to this reader.</param>
/// <param name="Entries">The live entry of each key asked for, in order, or null.</param>
/// <param name="HeldElsewhere">
/// For each key, the silo whose activation answered it when that was not <paramref name="Silo"/>, so the client can
/// send its next read there; null when it was answered here or nothing holds it. Null as a whole when every key was.
/// </param>
/// <param name="Failures">
/// For each key whose read failed (its storage or its silo is in trouble), why; its entry is then null but it is not
/// a miss, and the caller fails that key's read. Null as a whole when no read failed.
/// </param>
[GenerateSerializer, Immutable, Alias("llmcache.EntryReadBatch")]
public sealed record EntryReadBatch(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] CacheEntry?[] Entries,
    [property: Id(2)] SiloAddress?[]? HeldElsewhere = null,
    [property: Id(3)] Exception?[]? Failures = null);
