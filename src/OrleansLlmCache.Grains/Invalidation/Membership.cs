using System.IO.Hashing;
using System.Text;
using OrleansLlmCache.Abstractions.Invalidation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>Where an entry's membership of a dependency key lives: one of <see cref="ShardCount"/> shards, by a stable hash.</summary>
internal static class Membership
{
    /// <summary>Shards per dependency key: a 100,000-entry tag keeps about 800 keys per shard.</summary>
    public const int ShardCount = 128;

    /// <summary>
    /// Storage calls one invalidation has in flight at most (shard drains, then entry removals). Each may take a
    /// PostgreSQL connection on the silo it lands on: well under a silo's pool (20 connections unless the connection
    /// string sets another size, <c>PostgresStorageOptions.DefaultMaxPoolSize</c>), so an invalidation leaves reads and
    /// writes their connections.
    /// </summary>
    public const int StorageConcurrency = 8;

    public static IMembershipShardGrain ShardFor(IGrainFactory grains, string dependencyKey, string entryKey) =>
        Shard(grains, dependencyKey, (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(entryKey)) % ShardCount));

    public static IMembershipShardGrain Shard(IGrainFactory grains, string dependencyKey, int shard) =>
        grains.GetGrain<IMembershipShardGrain>($"{dependencyKey}#{shard}");

    /// <summary>
    /// Runs <paramref name="call"/> for every item, <see cref="StorageConcurrency"/> at a time, and returns every call's
    /// task once all have finished, failed ones included: the caller reports what failed rather than losing what worked.
    /// </summary>
    public static async Task<Task<TResult>[]> RunBoundedAsync<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, Task<TResult>> call)
    {
        using var gate = new SemaphoreSlim(StorageConcurrency);
        var calls = items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                return await call(item);
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();

        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Each task keeps its own exception; the caller reads them.
        }

        return calls;
    }
}
