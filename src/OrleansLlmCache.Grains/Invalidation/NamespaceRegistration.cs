using System.Collections.Concurrent;
using OrleansLlmCache.Abstractions.Invalidation;

namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>Registers a tenant's namespace once per silo process, not once per write.</summary>
internal static class NamespaceRegistration
{
    private static readonly ConcurrentDictionary<(string Tenant, string Namespace), bool> Registered = new();

    public static async Task EnsureAsync(IGrainFactory grains, string tenant, string @namespace)
    {
        if (Registered.ContainsKey((tenant, @namespace)))
        {
            return;
        }

        await grains.GetGrain<INamespaceRegistryGrain>(tenant).RegisterAsync(@namespace);
        Registered[(tenant, @namespace)] = true;
    }
}
