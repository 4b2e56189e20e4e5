namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>
/// One shard of a scope's index, keyed <c>{tenant}/{scopeHash}/{n}</c> (<see cref="SemanticScope.ShardKey"/>): prompts,
/// entry keys and int8 vectors in memory, scanned with SIMD, persisted as grain state. Called by its scope grain.
/// </summary>
[Alias("llmcache.ISemanticIndexShardGrain")]
public interface ISemanticIndexShardGrain : IGrainWithStringKey
{
    /// <summary>Adds (or replaces, by entry key) prompts; returns how many the shard then holds.</summary>
    [Alias("Add")]
    Task<int> AddAsync(IReadOnlyList<SemanticIndexItem> items);

    /// <summary>The <paramref name="top"/> live prompts nearest to <paramref name="query"/> scoring at least <paramref name="minScore"/>, best first.</summary>
    [Alias("Search")]
    Task<IReadOnlyList<SemanticCandidate>> SearchAsync(float[] query, int top, float minScore);

    /// <summary>Removes prompts by entry key; returns how many the shard then holds.</summary>
    [Alias("Remove")]
    Task<int> RemoveAsync(IReadOnlyList<string> entryKeys);

    /// <summary>How many prompts the shard holds.</summary>
    [Alias("Count")]
    Task<int> CountAsync();
}
