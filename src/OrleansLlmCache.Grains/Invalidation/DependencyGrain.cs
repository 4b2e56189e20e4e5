using OrleansLlmCache.Grains.Hosting;
using OrleansLlmCache.Invalidation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>
/// The version of one tag, dependency or namespace. Invalidating bumps and broadcasts the version (every entry built
/// against the old one misses from that moment), then removes the registered entries from storage in the background.
/// </summary>
internal sealed class DependencyGrain(
    [PersistentState("llm-dependency", LlmCacheStorage.Name)] IPersistentState<DependencyState> state,
    IGrainFactory grains) : Grain, IDependencyGrain
{
    // Storage removal after an invalidation: bounded so a 100,000-entry tag does not flood the cluster.
    private const int RemovalConcurrency = 32;

    public Task<long> GetVersionAsync() => Task.FromResult(state.State.Version);

    public async Task<InvalidationResult> InvalidateAsync()
    {
        var key = this.GetPrimaryKeyString();
        state.State.Version++;
        await state.WriteStateAsync();
        var version = state.State.Version;

        var notified = await grains.GetGrain<IInvalidationHubGrain>(IInvalidationHubGrain.Key)
            .PublishAsync(new Dictionary<string, long> { [key] = version }, []);

        var drained = await Task.WhenAll(Enumerable.Range(0, Membership.ShardCount).Select(i => Membership.Shard(grains, key, i).DrainAsync()));
        var members = drained.SelectMany(d => d).ToList();

        // The entries already miss; removing their rows is housekeeping and need not hold up the caller.
        _ = RemoveFromStorageAsync(members, key, version);
        return new InvalidationResult([key], members.Count, notified);
    }

    private async Task RemoveFromStorageAsync(List<string> members, string key, long version)
    {
        using var gate = new SemaphoreSlim(RemovalConcurrency);
        var removals = members.Select(async member =>
        {
            await gate.WaitAsync();
            try
            {
                await grains.GetGrain<OrleansLlmCache.Grains.ICacheEntryGrain>(member).RemoveIfStaleAsync(key, version);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A row left behind still misses (its version is old) and goes with its expiry or the next invalidation.
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(removals);
    }
}
