namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>The persisted members of one membership shard: entry key to its expiry (null: none).</summary>
[GenerateSerializer, Alias("llmcache.MembershipShardState")]
public sealed class MembershipShardState
{
    /// <summary>Members and their expiry.</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset?> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Members an invalidation drained whose entry row is not confirmed removed yet.</summary>
    [Id(1)] public HashSet<string> PendingRemoval { get; set; } = new(StringComparer.Ordinal);
}
