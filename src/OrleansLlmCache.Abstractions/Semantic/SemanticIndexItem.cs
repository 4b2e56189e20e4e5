namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>One prompt to add to a scope's index.</summary>
/// <param name="EntryKey">The grain key of the cache entry that holds its answer.</param>
/// <param name="Prompt">The prompt (kept for the precision guard and for hit reports).</param>
/// <param name="Vector">Its unit-length embedding; stored as int8 with a per-vector scale.</param>
/// <param name="ExpiresAt">When the entry expires (the index stops offering it then); <see langword="null"/> for never.</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticIndexItem")]
public sealed record SemanticIndexItem(
    [property: Id(0)] string EntryKey,
    [property: Id(1)] string Prompt,
    [property: Id(2)] float[] Vector,
    [property: Id(3)] DateTimeOffset? ExpiresAt);
