using OrleansLlmCache.Abstractions.Invalidation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>The namespaces of one tenant: the index pattern invalidation reads.</summary>
internal sealed class NamespaceRegistryGrain(
    [PersistentState("llm-namespaces", LlmCacheStorage.Name)] IPersistentState<NamespaceRegistryState> state) : Grain, INamespaceRegistryGrain
{
    public async Task RegisterAsync(string @namespace)
    {
        if (state.State.Namespaces.Add(@namespace))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Namespaces.Order(StringComparer.Ordinal)]);
}
