using System.IO.Hashing;
using System.Text;
using OrleansLlmCache.Invalidation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>Where an entry's membership of a dependency key lives: one of <see cref="ShardCount"/> shards, by a stable hash.</summary>
internal static class Membership
{
    /// <summary>Shards per dependency key: a 100,000-entry tag keeps about 800 keys per shard.</summary>
    public const int ShardCount = 128;

    public static IMembershipShardGrain ShardFor(IGrainFactory grains, string dependencyKey, string entryKey) =>
        Shard(grains, dependencyKey, (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(entryKey)) % ShardCount));

    public static IMembershipShardGrain Shard(IGrainFactory grains, string dependencyKey, int shard) =>
        grains.GetGrain<IMembershipShardGrain>($"{dependencyKey}#{shard}");
}
