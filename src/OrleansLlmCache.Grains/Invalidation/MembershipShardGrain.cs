using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Grains.Hosting;
using OrleansLlmCache.Invalidation;

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
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string entryKey)
    {
        if (state.State.Members.Remove(entryKey))
        {
            Prune();
            await state.WriteStateAsync();
        }
    }

    public Task<int> CountAsync()
    {
        var now = time.GetUtcNow();
        return Task.FromResult(state.State.Members.Count(m => m.Value is not { } expires || expires > now));
    }

    public async Task<IReadOnlyList<string>> DrainAsync()
    {
        Prune();
        var members = state.State.Members.Keys.ToList();
        if (state.RecordExists || members.Count > 0)
        {
            state.State.Members.Clear();
            await state.ClearStateAsync();
        }

        return members;
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
