namespace OrleansLlmCache.Abstractions.Invalidation;

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

    /// <summary>
    /// Moves every live member to the shard's removal list and returns it, with what earlier drains left there: a
    /// member leaves that list only through <see cref="CompleteRemovalAsync"/>, so an invalidation that fails part-way
    /// is finished by the next one.
    /// </summary>
    [Alias("DrainForRemoval")] // not "Drain": that one returned a plain list, and silos of both kinds meet during an upgrade
    Task<MembershipDrain> DrainAsync();

    /// <summary>Forgets members whose entry was removed from storage (or found not to need it) after a drain.</summary>
    [Alias("CompleteRemoval")]
    Task CompleteRemovalAsync(IReadOnlyList<string> entryKeys);
}
