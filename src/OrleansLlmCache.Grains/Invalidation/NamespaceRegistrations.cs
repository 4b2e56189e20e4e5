using System.Collections.Concurrent;
using OrleansLlmCache.Abstractions.Invalidation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>
/// Registers a tenant's namespace with its registry (which pattern invalidation lists) once per silo, not once per write.
/// One per silo, not per process: a process that hosts silos of two clusters (tests, a tool) must register the namespace
/// in each cluster's registry; a static list let the second cluster's writes skip theirs, and a pattern invalidation
/// there then reached nothing.
/// </summary>
internal sealed class NamespaceRegistrations(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<(string Tenant, string Namespace), bool> _registered = new();

    public async Task EnsureAsync(string tenant, string @namespace)
    {
        if (_registered.ContainsKey((tenant, @namespace)))
        {
            return;
        }

        await grains.GetGrain<INamespaceRegistryGrain>(tenant).RegisterAsync(@namespace);
        _registered[(tenant, @namespace)] = true;
    }
}
