namespace OrleansLlmCache.Invalidation;

/// <summary>
/// One shard of the entries registered under a dependency key (key <c>{dependencyKey}#{shard}</c>): big tags are spread
/// over shards, so adding an entry rewrites a small shard, never the whole membership.
/// </summary>
[Alias("llmcache.IMembershipShardGrain")]
public interface IMembershipShardGrain : IGrainWithStringKey
{
    /// <summary>Adds or refreshes a member; expired members are pruned on the way.</summary>
    [Alias("Add")]
    Task AddAsync(string entryKey, DateTimeOffset? expiresAt);

    /// <summary>Removes a member.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string entryKey);

    /// <summary>The number of live members.</summary>
    [Alias("Count")]
    Task<int> CountAsync();

    /// <summary>Returns every live member and empties the shard.</summary>
    [Alias("Drain")]
    Task<IReadOnlyList<string>> DrainAsync();
}
