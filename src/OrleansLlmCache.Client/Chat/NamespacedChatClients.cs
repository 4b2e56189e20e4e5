using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// One cached chat pipeline per namespace in front of the same origin, built on first use: for code that replays or
/// warms requests of several prompt types (namespaces) through one origin.
/// </summary>
public sealed class NamespacedChatClients(ILlmCache cache, IChatClient origin, string? tenant = null)
{
    private readonly ConcurrentDictionary<(string? Tenant, string Namespace), IChatClient> _pipelines = new();

    /// <summary>The origin wrapped with the cache for <paramref name="namespace"/> of the default tenant.</summary>
    public IChatClient For(string @namespace) => For(@namespace, null);

    /// <summary>The origin wrapped with the cache for <paramref name="namespace"/> of <paramref name="tenantOverride"/> (or the default tenant).</summary>
    public IChatClient For(string @namespace, string? tenantOverride) =>
        _pipelines.GetOrAdd((tenantOverride ?? tenant, @namespace), scope =>
            new ChatClientBuilder(origin).UseOrleansLlmCache(o => { o.Namespace = scope.Namespace; o.Tenant = scope.Tenant; }, cache).Build());
}
