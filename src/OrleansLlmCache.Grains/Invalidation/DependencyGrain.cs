using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Invalidation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>
/// The version of one tag, dependency or namespace. Invalidating bumps and broadcasts the version (every entry built
/// against the old one misses from that moment), then removes the registered entries from storage in the background.
/// </summary>
/// <remarks>
/// Safe to repeat, and repeating finishes what failed: a shard that could not be drained keeps its members, and a
/// drained member stays on its shard's removal list until its row is confirmed gone. Only a failure to store the new
/// version fails the call, and then nothing was changed.
/// </remarks>
internal sealed partial class DependencyGrain(
    [PersistentState("llm-dependency", LlmCacheStorage.Name)] IPersistentState<DependencyState> state,
    IGrainFactory grains,
    ILogger<DependencyGrain> logger) : Grain, IDependencyGrain
{
    public Task<long> GetVersionAsync() => Task.FromResult(state.State.Version);

    public async Task<InvalidationResult> InvalidateAsync()
    {
        var key = this.GetPrimaryKeyString();
        var version = state.State.Version + 1;
        state.State.Version = version;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not bumped: the next activation reads the stored version, in case this write landed after all.
            state.State.Version = version - 1;
            DeactivateOnIdle();
            throw;
        }

        var failures = new List<string>();
        var notified = 0;
        try
        {
            notified = await grains.GetGrain<IInvalidationHubGrain>(IInvalidationHubGrain.Key)
                .PublishAsync(new Dictionary<string, long> { [key] = version }, []);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failures.Add($"The broadcast of {key} failed ({Describe(ex)}): silos and app servers that hold entries built on the old version may serve them until the invalidation is repeated.");
        }

        var shards = Enumerable.Range(0, Membership.ShardCount).ToList();
        var drains = await Membership.RunBoundedAsync(shards, i => Membership.Shard(grains, key, i).DrainAsync());
        var drained = shards.Where(i => drains[i].IsCompletedSuccessfully).Select(i => (Shard: i, Drain: drains[i].Result)).ToList();
        var failed = drains.Where(d => !d.IsCompletedSuccessfully).ToList();
        if (failed.Count > 0)
        {
            failures.Add($"{failed.Count} of {Membership.ShardCount} membership shards of {key} could not be read ({Describe(failed[0].Exception!)}): their entries miss already, and repeating the invalidation removes them from storage.");
        }

        // The entries already miss; removing their rows is housekeeping and need not hold up the caller.
        _ = RemoveFromStorageAsync(drained, key, version);
        return new InvalidationResult(
            [key],
            drained.Sum(d => d.Drain.Invalidated.Count),
            notified,
            drained.Sum(d => d.Drain.LeftOver.Count),
            failures);
    }

    private async Task RemoveFromStorageAsync(List<(int Shard, MembershipDrain Drain)> drained, string key, long version)
    {
        var members = drained
            .SelectMany(d => d.Drain.Invalidated.Concat(d.Drain.LeftOver).Distinct(StringComparer.Ordinal).Select(member => (d.Shard, Member: member)))
            .ToList();
        var removals = await Membership.RunBoundedAsync(members, async m =>
        {
            // False when the entry was rewritten since against the new version: it stays a live member of its shard.
            await grains.GetGrain<ICacheEntryGrain>(m.Member).RemoveIfStaleAsync(key, version);
            return m;
        });

        // What was not confirmed stays on its shard's removal list for the next invalidation to finish.
        var confirmed = removals.Where(r => r.IsCompletedSuccessfully).Select(r => r.Result).GroupBy(r => r.Shard).ToList();
        var completions = await Membership.RunBoundedAsync(confirmed, async group =>
        {
            await Membership.Shard(grains, key, group.Key).CompleteRemovalAsync([.. group.Select(m => m.Member)]);
            return group.Count();
        });

        var left = members.Count - completions.Where(c => c.IsCompletedSuccessfully).Sum(c => c.Result);
        if (left > 0)
        {
            RemovalIncomplete(logger, left, members.Count, key);
        }
    }

    private static string Describe(Exception exception)
    {
        var root = exception.GetBaseException();
        return $"{root.GetType().Name}: {root.Message.Split('\n')[0].Trim()}";
    }

    [LoggerMessage(3201, LogLevel.Warning, "{Left} of {Total} entry rows of {Key} were not removed from storage after an invalidation; the next invalidation of the key removes them.")]
    private static partial void RemovalIncomplete(ILogger logger, int left, int total, string key);
}
