using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Grains.Storage;
using OrleansLlmCache.Grains.Diagnostics;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>
/// The version of one tag, dependency or namespace. Invalidating bumps and broadcasts the version (every entry built
/// against the old one misses from that moment), then removes the registered entries from storage in the background;
/// a namespace's entries, where the storage indexes them by namespace, are removed by the storage before the call returns.
/// </summary>
/// <remarks>
/// Safe to repeat, and repeating finishes what failed: a shard that could not be drained keeps its members, a drained
/// member stays on its shard's removal list until its row is confirmed gone, and the storage's removal of a namespace's
/// entries takes every row older than the new version, those an earlier removal left included. Only a failure to store
/// the new version fails the call, and then nothing was changed.
/// </remarks>
internal sealed partial class DependencyGrain(
    [PersistentState("llm-dependency", LlmCacheStorage.Name)] IPersistentState<DependencyState> state,
    IGrainFactory grains,
    ILogger<DependencyGrain> logger,
    SiloCacheMetrics metrics,
    INamespaceEntryStore? namespaceEntries = null) : Grain, IDependencyGrain
{
    // The version readers are told: the stored one. Readers interleave with an invalidation (its broadcast may wait
    // out a lease, a namespace's row removal may take seconds), and must never see a bump that a failed write then
    // takes back: an entry built against it would look current after the real bump to the same number.
    private long _stored;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stored = state.State.Version;
        return Task.CompletedTask;
    }

    public Task<long> GetVersionAsync() => Task.FromResult(_stored);

    public async Task<InvalidationResult> InvalidateAsync()
    {
        var key = this.GetPrimaryKeyString();
        var version = state.State.Version + 1;
        state.State.Version = version;
        try
        {
            await state.WriteStateAsync();
            _stored = version;
            metrics.Invalidation(key);
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

        var (reached, leftOver) = namespaceEntries is not null && DependencyKey.TryReadNamespace(key, out var tenant, out var @namespace)
            ? await RemoveNamespaceEntriesAsync(namespaceEntries, tenant, @namespace, key, version, failures)
            : await DrainMembershipAsync(key, version, failures);
        return new InvalidationResult([key], reached, notified, leftOver, failures);
    }

    private async Task<(long Reached, long LeftOver)> DrainMembershipAsync(string key, long version, List<string> failures)
    {
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
        return (drained.Sum(d => d.Drain.Invalidated.Count), drained.Sum(d => d.Drain.LeftOver.Count));
    }

    // The storage finds the namespace's entries by its own index; they kept no membership of it (CacheEntryGrain).
    // Racing writes are safe: an entry stored against the old version after the removal passed its row (its computation
    // began before the bump) is outdated, so it misses wherever it is read, and its row goes at its expiry (the expiry
    // sweep) or with the namespace's next invalidation, just as an entry that joined a membership after the drain did.
    // A live activation whose row was removed misses as well (its versions are outdated); only a new write, built
    // against the new version, puts its row back.
    private async Task<(long Reached, long LeftOver)> RemoveNamespaceEntriesAsync(
        INamespaceEntryStore store, string tenant, string @namespace, string key, long version, List<string> failures)
    {
        NamespaceRemoval removal;
        try
        {
            removal = await store.RemoveOutdatedAsync(tenant, @namespace, version, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Batches that went before the failure are not counted, and their entries stay on their tags until those
            // are invalidated or the entries expire: the rows, the cost that matters, go with the next invalidation.
            failures.Add($"The entries of {key} could not be removed from storage ({Describe(ex)}): they miss already, and repeating the invalidation removes them.");
            return (0, 0);
        }

        // Off their tags and dependencies too, as an entry that removes itself does, so that those do not grow with
        // entries long gone. Housekeeping again, in the background.
        _ = LeaveMembershipsAsync(removal.Memberships, key);
        return (removal.Live, 0);
    }

    // A rewrite of one of these entries that lands before its membership is dropped here loses that membership: the
    // tag's or dependency's version still makes it miss when invalidated, and its row goes at expiry.
    private async Task LeaveMembershipsAsync(IReadOnlyList<(string Entry, string DependencyKey)> memberships, string key)
    {
        var removals = await Membership.RunBoundedAsync(memberships, async m =>
        {
            await Membership.ShardFor(grains, m.DependencyKey, m.Entry).RemoveAsync(m.Entry);
            return true;
        });

        var left = removals.Count(r => !r.IsCompletedSuccessfully);
        if (left > 0)
        {
            MembershipsLeft(logger, left, memberships.Count, key);
        }
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

    [LoggerMessage(3202, LogLevel.Warning, "{Left} of {Total} tag and dependency memberships of entries removed with {Key} were not dropped; they go at the entries' expiry or with the next invalidation of their tag or dependency.")]
    private static partial void MembershipsLeft(ILogger logger, int left, int total, string key);
}
