using Orleans.Concurrency;

namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>
/// The directory of one scope's index, keyed <c>{tenant}/{scopeHash}</c> (<see cref="SemanticScope.ToGrainKey"/>). It
/// knows the scope's shards (<c>{tenant}/{scopeHash}/{n}</c>), adds a shard when the others are full, and fans searches
/// out to every shard in parallel.
/// </summary>
[Alias("llmcache.ISemanticScopeGrain")]
public interface ISemanticScopeGrain : IGrainWithStringKey
{
    /// <summary>Adds prompts to the first shards with room, opening new shards as needed.</summary>
    [Alias("Add")]
    Task AddAsync(IReadOnlyList<SemanticIndexItem> items);

    /// <summary>The <paramref name="top"/> live prompts nearest to <paramref name="query"/> with a score of at least <paramref name="minScore"/>, best first, across all shards.</summary>
    [Alias("Search"), AlwaysInterleave]
    Task<IReadOnlyList<SemanticCandidate>> SearchAsync(float[] query, int top, float minScore);

    /// <summary>Removes the given candidates (found dead) from their shards.</summary>
    [Alias("Remove")]
    Task RemoveAsync(IReadOnlyList<SemanticCandidate> candidates);

    /// <summary>How many shards the scope has and how many prompts they hold.</summary>
    [Alias("Describe"), AlwaysInterleave]
    Task<SemanticScopeInfo> DescribeAsync();
}
