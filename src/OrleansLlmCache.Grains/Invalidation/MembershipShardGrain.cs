using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>One shard of a dependency key's members; expired members are pruned on every write, so shards do not grow forever.</summary>
internal sealed class MembershipShardGrain(
    [PersistentState("llm-members", LlmCacheStorage.Name)] IPersistentState<MembershipShardState> state,
    [FromKeyedServices(LlmCacheTime.ServiceKey)] TimeProvider time) : Grain, IMembershipShardGrain
{
    public async Task AddAsync(string entryKey, DateTimeOffset? expiresAt)
    {
        Prune();
        state.State.Members[entryKey] = expiresAt;
        await PersistAsync();
    }

    public async Task RemoveAsync(string entryKey)
    {
        if (state.State.Members.Remove(entryKey))
        {
            Prune();
            await PersistAsync();
        }
    }

    public Task<int> CountAsync()
    {
        var now = time.GetUtcNow();
        return Task.FromResult(state.State.Members.Count(m => m.Value is not { } expires || expires > now));
    }

    public async Task<MembershipDrain> DrainAsync()
    {
        Prune();
        var live = state.State.Members.Keys.ToList();
        var leftOver = state.State.PendingRemoval.ToList();
        if (live.Count > 0)
        {
            state.State.PendingRemoval.UnionWith(live);
            state.State.Members.Clear();
            await PersistAsync();
        }

        return new MembershipDrain(live, leftOver);
    }

    public async Task CompleteRemovalAsync(IReadOnlyList<string> entryKeys)
    {
        ArgumentNullException.ThrowIfNull(entryKeys);
        if (entryKeys.Count(state.State.PendingRemoval.Remove) > 0)
        {
            await PersistAsync();
        }
    }

    // An empty shard leaves no row. A write that fails leaves this activation's state ahead of the stored one: the
    // next call gets a fresh activation that reads what was stored, so a drain that failed is simply not done.
    private async Task PersistAsync()
    {
        try
        {
            if (state.State.Members.Count == 0 && state.State.PendingRemoval.Count == 0)
            {
                await state.ClearStateAsync();
            }
            else
            {
                await state.WriteStateAsync();
            }
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var expired in state.State.Members.Where(m => m.Value is { } expires && expires <= now).Select(m => m.Key).ToList())
        {
            state.State.Members.Remove(expired);
        }
    }
}
